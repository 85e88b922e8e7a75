#include "ui/explore_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "models/core/explore.h"
#include "ui/control_panel.h"
#include "ui/image_view.h"

namespace ui {

ExplorePanel::ExplorePanel(const gan::ViewSpec& view, QWidget* parent)
    : QWidget(parent), id_(QString::fromStdString(view.id)), title_(QString::fromStdString(view.title)) {
  setToolTip(QString::fromStdString(view.help));
  controls_ = new ControlPanel(this);
  controls_->setControls(view.controls);
  for (const auto& c : view.controls)
    if (c.kind == gan::ControlKind::Point) points_ << QString::fromStdString(c.id);
  auto* outputs = new QGridLayout;
  int column = 0;
  for (const auto& o : view.outputs) {
    auto* caption = new QLabel(QString::fromStdString(o.label), this);
    caption->setAlignment(Qt::AlignCenter);
    caption->setToolTip(QString::fromStdString(o.help));
    outputs->addWidget(caption, 0, column);
    if (o.kind == gan::OutputKind::Text) {
      auto* text = new QLabel(this);
      text->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
      text->setTextInteractionFlags(Qt::TextSelectableByMouse);
      text->setToolTip(QString::fromStdString(o.help));
      outputs->addWidget(text, 1, column);
      texts_[QString::fromStdString(o.id)] = text;
    } else {
      auto* image = new ImageView(this);
      image->setToolTip(QString::fromStdString(o.help));
      connect(image, &ImageView::clicked, this, &ExplorePanel::pointAt);
      outputs->addWidget(image, 1, column);
      outputs->setColumnStretch(column, 1);
      images_[QString::fromStdString(o.id)] = image;
    }
    ++column;
  }
  outputs->setRowStretch(1, 1);
  info_ = new QLabel(this);
  info_->setAlignment(Qt::AlignCenter);
  info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(controls_);
  layout->addLayout(outputs, 1);
  layout->addWidget(info_);
  connect(controls_, &ControlPanel::changed, this, &ExplorePanel::requestChanged);
}

void ExplorePanel::pointAt(QPointF at) {
  for (const auto& c : points_) controls_->setValue(c, QString::fromStdString(gan::format_point(at.x(), at.y())));
}

RenderSpec ExplorePanel::request() const {
  RenderSpec r;
  r.panel = id_;
  r.view = id_;
  r.values = controls_->values();
  r.images = controls_->images();
  return r;
}

bool ExplorePanel::setResult(const RenderedResult& r) {
  if (r.stamp < shown_) return false;  // a newer request's result is already shown
  shown_ = r.stamp;
  if (!r.error.isEmpty()) {
    setMessage(r.error);
    info_->setText(QString());
    return true;
  }
  step_ = r.generatorStep;
  for (auto it = images_.cbegin(); it != images_.cend(); ++it) {
    const RenderedOutput* o = r.output(it.key());
    it.value()->setImage(o ? o->image : QImage());
    it.value()->setOverlayText(QString());
  }
  for (auto it = texts_.cbegin(); it != texts_.cend(); ++it) {
    const RenderedOutput* o = r.output(it.key());
    it.value()->setText(o ? o->text : QString());
  }
  QStringList parts;
  for (const auto& [name, v] : r.scalars) parts << QString("%1 %2").arg(name).arg(v, 0, 'g', 4);
  parts << tr("step %1 · %2 ms").arg(r.generatorStep).arg(r.renderMs, 0, 'f', r.renderMs < 10 ? 1 : 0);
  info_->setText(parts.join(" · "));
  if (r.outputs.isEmpty()) setMessage(tr("Nothing to show yet: give the panel its inputs above"));
  // Painted now rather than at the window's next update (which Qt schedules a few ms later): the panel
  // answers a slider, and its image is what the user waits for.
  if (isVisible())
    for (auto* v : images_) v->repaint();
  return true;
}

void ExplorePanel::setMessage(const QString& message) {
  for (auto* v : images_) v->setOverlayText(message);
}

QImage ExplorePanel::outputImage(const QString& id) const {
  auto it = images_.find(id);
  return it == images_.end() ? QImage() : it.value()->image();
}

QString ExplorePanel::outputText(const QString& id) const {
  auto it = texts_.find(id);
  return it == texts_.end() ? QString() : it.value()->text();
}

QString ExplorePanel::info() const { return info_->text(); }

}  // namespace ui
