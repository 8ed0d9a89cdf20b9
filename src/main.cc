// SPDX-License-Identifier: MIT
#include "berth/berth.h"

int main(int argc, char** argv, char** envp) { return berth::Main(argc, argv, envp); }
