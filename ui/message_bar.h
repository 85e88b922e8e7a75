#pragma once
// An inline, non-modal message strip; hidden while it has nothing to say.
#include <QString>
#include <QWidget>

class QLabel;
class QToolButton;

namespace ui {

class MessageBar : public QWidget {
  Q_OBJECT
 public:
  enum class Level { Info, Warning, Error };

  explicit MessageBar(QWidget* parent = nullptr);

  // An empty text hides the bar.
  void showMessage(const QString& text, Level level);
  void clearMessage();
  QString text() const;
  Level level() const { return level_; }
  QToolButton* closeButton() const { return close_; }

 signals:
  void closed();

 private:
  QLabel* label_ = nullptr;
  QToolButton* close_ = nullptr;
  Level level_ = Level::Info;
};

}  // namespace ui
