#pragma once
// Help > GAN Explorer Help (F1): the README, which ships inside the program (a Qt resource), shown with
// a list of its sections; its figures are read from the installed documentation (or the source tree)
// when they are there.
#include <QStringList>
#include <QWidget>

class QListWidget;
class QTextBrowser;

namespace ui {

class HelpWindow : public QWidget {
  Q_OBJECT
 public:
  explicit HelpWindow(QWidget* parent = nullptr);

  // The README's second-level sections, in order.
  QStringList sections() const { return sections_; }
  // Scrolls to a section by its title; false when there is none of that name.
  bool showSection(const QString& title);
  QTextBrowser* browser() const { return browser_; }
  QListWidget* contents() const { return contents_; }

  // Where the README's figures (docs/*.png) are looked for: beside an installed program
  // (PREFIX/share/doc/gan-explorer), then the source tree it was built from.
  static QStringList figureFolders();

 private:
  QTextBrowser* browser_ = nullptr;
  QListWidget* contents_ = nullptr;
  QStringList sections_;
};

}  // namespace ui
