#include "ui/sample_grid.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStringList>
#include <QVBoxLayout>

#include "ui/class_picker.h"
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

  class_picker_ = new ClassPicker(/*offerAll=*/true, this);
  auto* header = new QHBoxLayout;
  header->addWidget(title_, 1);
  header->addWidget(class_picker_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(header);
  layout->addWidget(view_, 1);
  layout->addWidget(caption_);
}

void SampleGrid::setGrid(const QImage& grid, qint64 step, double render_ms) {
  step_ = step;
  view_->setImage(grid);
  view_->setOverlayText(QString());
  QString text = tr("step %1 · rendered in %2 ms").arg(step).arg(render_ms, 0, 'f', render_ms < 10.0 ? 1 : 0);
  if (class_picker_->classCount() > 0 && class_picker_->label() < 0) {
    QStringList rows;
    for (int k = 0; k < class_picker_->classCount(); ++k) rows << class_picker_->labelName(k);
    text += "\n" + tr("rows, top to bottom: %1").arg(rows.join(", "));
  }
  caption_->setText(text);
}

void SampleGrid::setMessage(const QString& message) { view_->setOverlayText(message); }

QImage SampleGrid::image() const { return view_->image(); }

QString SampleGrid::caption() const { return caption_->text(); }

}  // namespace ui
