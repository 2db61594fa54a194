# Delivery tooling (src/delivery): image set, promote, seal, ci, init, migrate.
add_test(NAME delivery_image_set_kubectl
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/delivery/image_set_test.py $<TARGET_FILE:capstan>)
set_tests_properties(delivery_image_set_kubectl PROPERTIES TIMEOUT 120)
