// ConfigMap and Secret payloads as kube-apiserver decodes and validates
// them on create, update and patch:
//  - decoding (400 "... cannot be handled as a ConfigMap: ..."): `data`
//    must map strings to strings, Secret `data` and `binaryData` values
//    must be standard base64;
//  - Secret `stringData` is merged into `data` (base64) and dropped, as a
//    real cluster does on write;
//  - validation (422 with kube-apiserver's field paths and messages): keys
//    must be valid config keys, no key in both data and binaryData, at most
//    1 MiB of payload.
#ifndef CAPSTAN_CLUSTER_CONFIG_DATA_H_
#define CAPSTAN_CLUSTER_CONFIG_DATA_H_

#include <optional>
#include <string>

#include "cluster/resources.h"
#include "yaml/node.h"

namespace capstan::cluster {

// Throws ApiError; other kinds are left alone.
void DecodeAndValidateConfigData(const ResourceInfo& r, yaml::Node& obj);

// Go's base64.StdEncoding.DecodeString (newlines ignored). On bad input
// returns nullopt and sets `bad_byte` to the offset Go reports.
std::optional<std::string> DecodeStdBase64(const std::string& in, size_t* bad_byte);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CONFIG_DATA_H_
