// The OpenAPI 3.1 document of the node's HTTP API (src/node/openapi.json),
// compiled into the binary and served at GET /api/v1/openapi.json. The test
// tests/api/openapi_test.mjs validates real responses against it.
#ifndef EVIDEX_NODE_OPENAPI_H_
#define EVIDEX_NODE_OPENAPI_H_

#include <string_view>

namespace evidex::node {

// The document's JSON text, as the file holds it.
std::string_view OpenApiJson();

}  // namespace evidex::node

#endif  // EVIDEX_NODE_OPENAPI_H_
