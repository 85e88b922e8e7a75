#include <QApplication>

#include "app/main_window.h"

int run_gui(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("gan-explorer");
  QApplication::setOrganizationName("gan-explorer");
  MainWindow w;
  w.show();
  return app.exec();
}
