#pragma once
// An inline, non-modal message strip; hidden while it has nothing to say.
#include <QString>
#include <QWidget>

class QLabel;
class QTimer;
class QToolButton;

namespace ui {

class MessageBar : public QWidget {
  Q_OBJECT
 public:
  enum class Level { Info, Warning, Error };

  explicit MessageBar(QWidget* parent = nullptr);

  // An empty text hides the bar. An Info message hides itself after infoTimeout() ms (the status bar
  // keeps a copy); warnings and errors stay until dismissed or replaced.
  void showMessage(const QString& text, Level level);
  void setInfoTimeout(int ms) { info_timeout_ms_ = ms; }
  int infoTimeout() const { return info_timeout_ms_; }
  void clearMessage();
  QString text() const;
  Level level() const { return level_; }
  QToolButton* closeButton() const { return close_; }

 signals:
  void closed();

 private:
  QLabel* label_ = nullptr;
  QToolButton* close_ = nullptr;
  QTimer* info_timer_ = nullptr;
  int info_timeout_ms_ = 12000;
  Level level_ = Level::Info;
};

}  // namespace ui
