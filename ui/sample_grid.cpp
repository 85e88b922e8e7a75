#include "ui/sample_grid.h"

#include <QLabel>
#include <QStringList>
#include <QVBoxLayout>

#include "ui/control_panel.h"
#include "ui/engine_bridge.h"
#include "ui/image_view.h"

namespace ui {

SampleGrid::SampleGrid(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(tr("Samples"), this);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  title_->setToolTip(tr("What the model makes of a fixed seed (or its fixed inputs), redrawn as it trains"));
  view_ = new ImageView(this);
  caption_ = new QLabel(this);
  caption_->setAlignment(Qt::AlignCenter);
  caption_->setWordWrap(true);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  options_ = new ControlPanel(this);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title_);
  layout->addWidget(options_);
  layout->addWidget(view_, 1);
  layout->addWidget(caption_);
  connect(options_, &ControlPanel::changed, this, &SampleGrid::requestChanged);
}

void SampleGrid::setOptions(const std::vector<gan::ControlSpec>& options) {
  std::vector<gan::ControlSpec> shown;
  for (const auto& o : options)
    if (o.on_grid) shown.push_back(o);
  options_->setControls(shown);
  options_->setVisible(!shown.empty());
}

RenderSpec SampleGrid::request() const {
  RenderSpec r;
  r.panel = kPanel;
  r.samples = true;
  r.values = options_->values();
  return r;
}

bool SampleGrid::setResult(const RenderedResult& r) {
  if (r.stamp < shown_) return false;
  shown_ = r.stamp;
  if (!r.error.isEmpty()) {
    setMessage(r.error);
    return true;
  }
  step_ = r.generatorStep;
  const RenderedOutput* grid = r.output(QStringLiteral("grid"));
  view_->setImage(grid ? grid->image : QImage());
  view_->setOverlayText(QString());
  QString text = tr("step %1 · rendered in %2 ms").arg(r.generatorStep).arg(r.renderMs, 0, 'f', r.renderMs < 10.0 ? 1 : 0);
  const RenderedOutput* rows = r.output(QStringLiteral("rows"));
  if (rows && !rows->text.isEmpty()) {
    const QStringList names = rows->text.split('\n');
    text += "\n" + (names.size() > 1 ? tr("rows, top to bottom: %1").arg(names.join(", ")) : names.front());
  }
  const RenderedOutput* note = r.output(QStringLiteral("note"));  // what the images are (ProGAN's resolution)
  if (note && !note->text.isEmpty()) text += "\n" + note->text;
  caption_->setText(text);
  return true;
}

void SampleGrid::setMessage(const QString& message) { view_->setOverlayText(message); }

QString SampleGrid::message() const { return view_->overlayText(); }

QImage SampleGrid::image() const { return view_->image(); }

QString SampleGrid::caption() const { return caption_->text(); }

}  // namespace ui
