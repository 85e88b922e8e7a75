#include "ui/sample_grid.h"

#include <QLabel>
#include <QVBoxLayout>

#include "ui/image_view.h"

namespace ui {

SampleGrid::SampleGrid(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(tr("Samples from fixed latents"), this);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  view_ = new ImageView(this);
  caption_ = new QLabel(this);
  caption_->setAlignment(Qt::AlignCenter);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title_);
  layout->addWidget(view_, 1);
  layout->addWidget(caption_);
}

void SampleGrid::setGrid(const QImage& grid, qint64 step, double render_ms) {
  step_ = step;
  view_->setImage(grid);
  view_->setOverlayText(QString());
  caption_->setText(tr("step %1 · rendered in %2 ms")
                        .arg(step)
                        .arg(render_ms, 0, 'f', render_ms < 10.0 ? 1 : 0));
}

void SampleGrid::setMessage(const QString& message) { view_->setOverlayText(message); }

QImage SampleGrid::image() const { return view_->image(); }

QString SampleGrid::caption() const { return caption_->text(); }

}  // namespace ui
