#include "ui/help_window.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QListWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>

namespace ui {

QStringList HelpWindow::figureFolders() {
  QStringList out;
  const QString app = QCoreApplication::applicationDirPath();
  for (const QString& dir : {app + "/../share/doc/gan-explorer", QStringLiteral(GAN_SOURCE_DIR)})
    if (QDir(dir + "/docs").exists()) out << QDir(dir).absolutePath();
  return out;
}

HelpWindow::HelpWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
  setWindowTitle(tr("GAN Explorer Help"));
  QFile f(QStringLiteral(":/help/README.md"));
  QString text = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll())
                                             : tr("# Help\n\nThe README is missing from this build.");
  // The README's HTML images (<img src="docs/x.png" width="150">) become Markdown images, which the
  // Markdown reader shows; their width is kept by scaling in the browser's resources.
  static const QRegularExpression img(R"re(<img src="([^"]+)"[^>]*>)re");
  text.replace(img, QStringLiteral("![](\\1)"));
  for (const QString& line : text.split('\n'))
    if (line.startsWith(QLatin1String("## "))) sections_ << line.mid(3).trimmed();

  browser_ = new QTextBrowser;
  browser_->setOpenExternalLinks(true);
  browser_->setSearchPaths(figureFolders());
  browser_->document()->setMarkdown(text, QTextDocument::MarkdownDialectGitHub);
  contents_ = new QListWidget;
  contents_->addItems(sections_);
  contents_->setMaximumWidth(260);
  connect(contents_, &QListWidget::currentTextChanged, this, [this](const QString& t) { showSection(t); });

  auto* split = new QSplitter;
  split->addWidget(contents_);
  split->addWidget(browser_);
  split->setStretchFactor(1, 1);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
  resize(1000, 760);
}

bool HelpWindow::showSection(const QString& title) {
  for (QTextBlock b = browser_->document()->begin(); b.isValid(); b = b.next()) {
    if (b.blockFormat().headingLevel() != 2 || b.text().trimmed() != title) continue;
    QTextCursor c(b);
    browser_->setTextCursor(c);
    // Put the heading at the top of the view, not just somewhere visible.
    browser_->verticalScrollBar()->setValue(browser_->verticalScrollBar()->maximum());
    browser_->ensureCursorVisible();
    return true;
  }
  return false;
}

}  // namespace ui
