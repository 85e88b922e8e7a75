#include "ui/latent_explorer.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <limits>

#include "ui/image_view.h"

namespace ui {
namespace {

QSpinBox* makeSeedBox(int value, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(0, std::numeric_limits<int>::max());
  box->setValue(value);
  box->setToolTip(QObject::tr("Seed of this endpoint's latent vector"));
  return box;
}

}  // namespace

LatentExplorer::LatentExplorer(QWidget* parent) : QWidget(parent) {
  seed_a_ = makeSeedBox(1, this);
  seed_b_ = makeSeedBox(2, this);
  random_a_ = new QPushButton(tr("Random"), this);
  random_b_ = new QPushButton(tr("Random"), this);
  b_label_ = new QLabel(tr("B"), this);

  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kSliderSteps);
  slider_->setValue(0);
  slider_->setToolTip(tr("Position between A (0) and B (1)"));
  t_label_ = new QLabel(this);
  t_label_->setMinimumWidth(t_label_->fontMetrics().horizontalAdvance("t = 0.00") + 4);

  mode_ = new QComboBox(this);
  mode_->addItem(tr("slerp"), QStringLiteral("slerp"));
  mode_->addItem(tr("lerp"), QStringLiteral("lerp"));
  mode_->setToolTip(tr("slerp follows the sphere Gaussian latents concentrate on; "
                       "lerp cuts through its inside"));

  view_ = new ImageView(this);
  info_ = new QLabel(this);
  info_->setAlignment(Qt::AlignCenter);

  auto* grid = new QGridLayout;
  grid->addWidget(new QLabel(tr("A"), this), 0, 0);
  grid->addWidget(seed_a_, 0, 1);
  grid->addWidget(random_a_, 0, 2);
  grid->addWidget(b_label_, 1, 0);
  grid->addWidget(seed_b_, 1, 1);
  grid->addWidget(random_b_, 1, 2);
  grid->addWidget(slider_, 2, 0, 1, 2);
  grid->addWidget(t_label_, 2, 2);
  grid->addWidget(new QLabel(tr("Mode"), this), 3, 0);
  grid->addWidget(mode_, 3, 1, 1, 2);
  grid->setColumnStretch(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(grid);
  layout->addWidget(view_, 1);
  layout->addWidget(info_);

  updateTLabel();

  const auto randomise = [](QSpinBox* box) {
    box->setValue(int(QRandomGenerator::global()->bounded(std::numeric_limits<int>::max())));
  };
  connect(random_a_, &QPushButton::clicked, this, [this, randomise] { randomise(seed_a_); });
  connect(random_b_, &QPushButton::clicked, this, [this, randomise] { randomise(seed_b_); });
  connect(seed_a_, &QSpinBox::valueChanged, this, &LatentExplorer::requestChanged);
  connect(seed_b_, &QSpinBox::valueChanged, this, &LatentExplorer::requestChanged);
  connect(slider_, &QSlider::valueChanged, this, [this] {
    updateTLabel();
    emit requestChanged();
  });
  connect(mode_, &QComboBox::currentIndexChanged, this, &LatentExplorer::requestChanged);
}

qint64 LatentExplorer::seedA() const { return seed_a_->value(); }

qint64 LatentExplorer::seedB() const { return seed_b_->value(); }

double LatentExplorer::t() const { return double(slider_->value()) / kSliderSteps; }

bool LatentExplorer::slerp() const { return mode_->currentData().toString() == "slerp"; }

void LatentExplorer::setImage(const QImage& image, double render_ms, qint64 generator_step) {
  view_->setImage(image);
  view_->setOverlayText(QString());
  info_->setText(tr("step %1 · %2 ms").arg(generator_step).arg(render_ms, 0, 'f', 1));
}

void LatentExplorer::setMessage(const QString& message) { view_->setOverlayText(message); }

void LatentExplorer::setInterpolationAvailable(bool available) {
  for (QWidget* w : {static_cast<QWidget*>(b_label_), static_cast<QWidget*>(seed_b_),
                     static_cast<QWidget*>(random_b_), static_cast<QWidget*>(slider_),
                     static_cast<QWidget*>(t_label_), static_cast<QWidget*>(mode_)}) {
    w->setEnabled(available);
  }
  const QString why = available ? QString() : tr("This model does not support interpolation");
  slider_->setToolTip(available ? tr("Position between A (0) and B (1)") : why);
}

QImage LatentExplorer::image() const { return view_->image(); }

QString LatentExplorer::info() const { return info_->text(); }

void LatentExplorer::updateTLabel() { t_label_->setText(tr("t = %1").arg(t(), 0, 'f', 2)); }

}  // namespace ui
