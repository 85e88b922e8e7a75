#include <QApplication>
#include <QSocketNotifier>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "app/main_window.h"

// Qt aborts when it finds no display; say so and leave instead (exit 2, as for a usage error).
static bool have_display(int argc, char** argv) {
  auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
  };
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "-platform") == 0) return true;  // chosen on the command line
  if (set("QT_QPA_PLATFORM")) return true;
  return set("DISPLAY") || set("WAYLAND_DISPLAY");
}

// SIGTERM, SIGHUP and SIGINT save the run and quit, as closing the window does. The handler writes the
// signal's number to a pipe; the event loop reads it.
static int g_signal_pipe[2] = {-1, -1};
extern "C" void on_gui_signal(int sig) {
  const int saved_errno = errno;
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const ssize_t n = ::write(g_signal_pipe[1], &b, 1);
  errno = saved_errno;
}

int run_gui(int argc, char** argv) {
  if (!have_display(argc, argv)) {
    std::fprintf(stderr,
                 "gan-explorer: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the GUI cannot start.\n"
                 "Run it on a desktop or under xvfb-run, or use the command line: gan-explorer help\n");
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("gan-explorer");
  QApplication::setOrganizationName("gan-explorer");
  MainWindow w;
  int quit_signal = 0;
  std::unique_ptr<QSocketNotifier> notifier;
  if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
    notifier = std::make_unique<QSocketNotifier>(g_signal_pipe[0], QSocketNotifier::Read);
    QObject::connect(notifier.get(), &QSocketNotifier::activated, &app, [&] {
      unsigned char b = 0;
      while (::read(g_signal_pipe[0], &b, 1) == 1) quit_signal = b;
      std::fprintf(stderr, "gan-explorer: %s: saving the run and quitting\n", ::strsignal(quit_signal));
      w.closeWithoutAsking();
      QApplication::quit();
    });
    struct sigaction action {};
    action.sa_handler = on_gui_signal;
    action.sa_flags = SA_RESTART;  // reads and writes on other threads go on rather than fail with EINTR
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGTERM, SIGHUP, SIGINT}) sigaction(sig, &action, nullptr);
  }
  w.show();
  const int status = app.exec();
  return quit_signal ? 128 + quit_signal : status;  // the window (and with it the run, saved) goes first
}
