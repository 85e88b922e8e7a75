#include "ui/sample_grid.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
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
  truncation_box_ = new QGroupBox(tr("Truncation"), this);
  truncation_ = new ControlPanel(truncation_box_);
  truncation_why_ = new QLabel(truncation_box_);
  truncation_why_->setWordWrap(true);
  sweep_button_ = new QPushButton(tr("Fidelity–diversity…"), truncation_box_);
  auto* tv = new QVBoxLayout(truncation_box_);
  tv->setContentsMargins(6, 4, 6, 4);
  tv->addWidget(truncation_);
  tv->addWidget(truncation_why_);
  auto* th = new QHBoxLayout;
  th->addStretch(1);
  th->addWidget(sweep_button_);
  tv->addLayout(th);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title_);
  layout->addWidget(truncation_box_);
  layout->addWidget(options_);
  layout->addWidget(view_, 1);
  layout->addWidget(caption_);
  connect(options_, &ControlPanel::changed, this, &SampleGrid::requestChanged);
  connect(truncation_, &ControlPanel::changed, this, &SampleGrid::requestChanged);
  connect(sweep_button_, &QPushButton::clicked, this, &SampleGrid::sweepRequested);
  setOptions({}, {});
  setSweepEnabled(false);
}

void SampleGrid::setSweepEnabled(bool enabled) {
  sweep_button_->setEnabled(enabled);
  sweep_button_->setToolTip(enabled ? tr("FID, KID, IS and MS-SSIM at each value of the truncation, measured on a "
                                         "worker with the live metrics' extractor, plotted as a curve")
                                    : tr("Start a run or open a model to measure"));
}

void SampleGrid::setOptions(const std::vector<gan::ControlSpec>& options, const gan::TruncationSpec& truncation) {
  truncation_ids_.clear();
  if (truncation) {
    truncation_ids_ << QString::fromStdString(truncation.option);
    for (const auto& id : truncation.with) truncation_ids_ << QString::fromStdString(id);
  }
  std::vector<gan::ControlSpec> shown, boxed;
  for (const auto& o : options)
    if (o.on_grid) (truncation_ids_.contains(QString::fromStdString(o.id)) ? boxed : shown).push_back(o);
  options_->setControls(shown);
  options_->setVisible(!shown.empty());
  truncation_->setControls(boxed);
  truncation_->setVisible(!boxed.empty());
  const bool has = truncation && !boxed.empty();
  truncation_box_->setEnabled(has);
  const QString why = has ? QString()
                      : truncation.why_none.empty() ? tr("This family has no truncation.")
                                                    : QString::fromStdString(truncation.why_none) + '.';
  truncation_why_->setText(why);
  truncation_why_->setVisible(!has);
  truncation_box_->setToolTip(has ? tr("Less variety for more fidelity: the grid and the explore panels follow it")
                                  : why);
}

QString SampleGrid::truncationReason() const { return truncation_box_->isEnabled() ? QString() : truncation_why_->text(); }

QMap<QString, QString> SampleGrid::values() const {
  QMap<QString, QString> v = options_->values();
  const QMap<QString, QString> t = truncation_->values();
  for (auto it = t.cbegin(); it != t.cend(); ++it) v.insert(it.key(), it.value());
  return v;
}

RenderSpec SampleGrid::request() const {
  RenderSpec r;
  r.panel = kPanel;
  r.samples = true;
  r.values = values();
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
