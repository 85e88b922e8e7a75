#include "ui/message_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace ui {
namespace {

struct Colours {
  const char* background;
  const char* border;
};

Colours coloursFor(MessageBar::Level level) {
  switch (level) {
    case MessageBar::Level::Warning:
      return {"#fff4c2", "#e0c060"};
    case MessageBar::Level::Error:
      return {"#ffd9d6", "#e08a80"};
    case MessageBar::Level::Info:
      break;
  }
  return {"#dcecfb", "#8fb8de"};
}

}  // namespace

MessageBar::MessageBar(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("MessageBar"));
  setAttribute(Qt::WA_StyledBackground, true);
  label_ = new QLabel(this);
  label_->setWordWrap(true);
  label_->setTextFormat(Qt::PlainText);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  close_ = new QToolButton(this);
  close_->setText(QStringLiteral("✕"));
  close_->setAutoRaise(true);
  close_->setToolTip(tr("Dismiss"));

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 4, 4);
  layout->addWidget(label_, 1);
  layout->addWidget(close_, 0, Qt::AlignTop);

  connect(close_, &QToolButton::clicked, this, [this] {
    hide();
    emit closed();
  });
  info_timer_ = new QTimer(this);
  info_timer_->setSingleShot(true);
  connect(info_timer_, &QTimer::timeout, this, [this] {
    if (level_ == Level::Info) clearMessage();
  });
  setVisible(false);
}

void MessageBar::showMessage(const QString& text, Level level) {
  level_ = level;
  label_->setText(text);
  const Colours c = coloursFor(level);
  setStyleSheet(QStringLiteral("#MessageBar { background-color: %1; border: 1px solid %2; "
                               "border-radius: 3px; } QLabel { color: #202020; }")
                    .arg(QLatin1String(c.background), QLatin1String(c.border)));
  setVisible(!text.isEmpty());
  if (level == Level::Info && !text.isEmpty() && info_timeout_ms_ > 0) info_timer_->start(info_timeout_ms_);
  else info_timer_->stop();
}

void MessageBar::clearMessage() {
  info_timer_->stop();
  label_->clear();
  hide();
}

QString MessageBar::text() const { return label_->text(); }

}  // namespace ui
