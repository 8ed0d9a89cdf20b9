// SPDX-License-Identifier: MIT
#include "berth/app/main.h"

int main(int argc, char** argv, char** envp) { return berth::app::Main(argc, argv, envp); }
