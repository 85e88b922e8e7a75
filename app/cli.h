#pragma once
// The headless command line: train, sample, interpolate, models, bench. It needs no Qt.
#include <string>
#include <vector>

namespace gan {

// True when argv names a subcommand (the GUI starts otherwise).
bool is_cli_invocation(int argc, char** argv);
// Runs the subcommand; returns the process exit status. Errors go to stderr.
int run_cli(const std::vector<std::string>& args);

}  // namespace gan
