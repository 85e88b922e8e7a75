// gan-explorer: with a subcommand, the headless command line; without one, the GUI.
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli.h"

#ifdef GAN_HAVE_GUI
int run_gui(int argc, char** argv);
#endif

int main(int argc, char** argv) {
  if (gan::is_cli_invocation(argc, argv)) return gan::run_cli(std::vector<std::string>(argv + 1, argv + argc));
#ifdef GAN_HAVE_GUI
  return run_gui(argc, argv);
#else
  std::fprintf(stderr, "this build of gan-explorer has no GUI (Qt 6 and QCustomPlot were not found); see 'gan-explorer help'\n");
  return argc > 1 ? 2 : 0;
#endif
}
