// SPDX-License-Identifier: MIT
// Linked into the berth executable only (never the tests): berth uses no iostream, but every
// translation unit that includes <iostream>, abseil's among them, runs ios_base::Init, which
// constructs cout/cin/cerr and with them every locale facet: about 0.4 MB of libstdc++ and glibc
// in a static binary. Empty here, std::cout and friends stay unconstructed: never use them.
#include <ios>

std::ios_base::Init::Init() {}
std::ios_base::Init::~Init() {}
