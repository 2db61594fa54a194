# Real-world kustomizations (argo-cd, kubebuilder, kueue, opentelemetry-operator,
# ...) against `capstan build`, compared with what kubectl kustomize v5.5 printed.
# Gated at every case passing and every output byte-identical; the issue's floor
# is 95% byte-identical, the gate keeps what was reached so a regression shows.
set(KUSTOMIZE_REALWORLD_MIN_PASSED 167)
set(KUSTOMIZE_REALWORLD_MIN_IDENTICAL 167)
add_test(NAME kustomize_realworld_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kustomize/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/kustomize-realworld/run.py
                 "$<TARGET_FILE:capstan> build"
                 ${KUSTOMIZE_REALWORLD_MIN_PASSED} ${KUSTOMIZE_REALWORLD_MIN_IDENTICAL})
set_tests_properties(kustomize_realworld_conformance PROPERTIES TIMEOUT 900)
