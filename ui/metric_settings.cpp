#include "ui/metric_settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

namespace ui {

MetricSettings::MetricSettings(QWidget* parent) : QWidget(parent) {
  enable_ = new QCheckBox(tr("Compute FID / KID / IS and MS-SSIM during training"), this);
  enable_->setToolTip(tr("The samples are drawn between training steps; the metrics are computed on a "
                         "thread of their own while training goes on. The time each evaluation took is "
                         "shown when hovering a point of the metrics plot."));

  every_ = new QSpinBox(this);
  every_->setRange(1, 1000000);
  every_->setValue(kDefaultEvery);
  every_->setSuffix(tr(" steps"));
  // Arrows step by about a tenth of the value, so 500 and 200000 are both a few clicks away.
  every_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);

  samples_ = new QSpinBox(this);
  samples_->setRange(100, 100000);
  samples_->setSingleStep(100);
  samples_->setValue(kDefaultSamples);
  samples_->setToolTip(tr("Images generated per evaluation. FID is biased upward when this is small: "
                          "compare values only at the same count."));

  swd_ = new QSpinBox(this);
  swd_->setRange(0, kDefaultSamples);  // never more than the generated samples: see below
  swd_->setSingleStep(100);
  swd_->setValue(0);
  swd_->setSpecialValueText(tr("off"));
  swd_->setSuffix(tr(" images"));
  swd_->setToolTip(tr("ProGAN's sliced Wasserstein distance on this many generated images and as many real "
                      "ones. It sorts 128 descriptors per image: about 20 s per 500 images on one core, "
                      "on the metrics thread beside training."));

  extractor_ = new QComboBox(this);
  extractor_->addItem(tr("Dataset classifier (offline; not comparable with Inception FID)"));
  extractor_->addItem(tr("Inception (NVIDIA TorchScript file)"));
  extractor_->setItemData(Classifier,
                          tr("Features of a small classifier trained on the dataset. Works offline and "
                             "tracks progress well, but its numbers are not the FID papers report."),
                          Qt::ToolTipRole);
  extractor_->setItemData(Inception,
                          tr("The Inception-v3 network the literature uses, loaded from a TorchScript "
                             "file you provide."),
                          Qt::ToolTipRole);
  // The items are long: let the combo shrink with the panel instead of widening it.
  extractor_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  extractor_->setMinimumContentsLength(16);

  inception_ = new QLineEdit(this);
  inception_->setPlaceholderText(tr("path to inception-2015-12-05.pt"));
  inception_->setClearButtonEnabled(true);
  browse_ = new QPushButton(tr("Browse…"), this);
  browse_->setToolTip(tr("Choose a TorchScript Inception network (inception-2015-12-05.pt) for Inception FID"));
  auto* path_row = new QHBoxLayout;
  path_row->setContentsMargins(0, 0, 0, 0);
  path_row->addWidget(inception_, 1);
  path_row->addWidget(browse_);

  hint_ = new QLabel(tr("inception-2015-12-05.pt, the file StyleGAN2/3 and clean-fid use; "
                        "GAN Explorer never downloads it."),
                     this);
  hint_->setWordWrap(true);
  QFont small = hint_->font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  hint_->setFont(small);

  every_label_ = new QLabel(tr("Every"), this);
  samples_label_ = new QLabel(tr("Generated samples"), this);
  swd_label_ = new QLabel(tr("SWD on"), this);
  swd_label_->setBuddy(swd_);
  extractor_label_ = new QLabel(tr("Extractor"), this);
  every_label_->setBuddy(every_);
  samples_label_->setBuddy(samples_);
  extractor_label_->setBuddy(extractor_);

  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->addRow(enable_);
  form->addRow(every_label_, every_);
  form->addRow(samples_label_, samples_);
  form->addRow(swd_label_, swd_);
  form->addRow(extractor_label_, extractor_);
  form->addRow(QString(), path_row);
  form->addRow(QString(), hint_);

  connect(enable_, &QCheckBox::toggled, this, [this] {
    updateEnabled();
    emit changed();
  });
  connect(every_, &QSpinBox::valueChanged, this, &MetricSettings::changed);
  connect(samples_, &QSpinBox::valueChanged, this, [this](int n) {
    swd_->setMaximum(n);  // SWD takes its images from the generated samples
    emit changed();
  });
  connect(swd_, &QSpinBox::valueChanged, this, &MetricSettings::changed);
  connect(extractor_, &QComboBox::currentIndexChanged, this, [this] {
    updateEnabled();
    emit changed();
  });
  connect(inception_, &QLineEdit::textChanged, this, &MetricSettings::changed);
  connect(browse_, &QPushButton::clicked, this, &MetricSettings::browse);

  updateEnabled();
}

bool MetricSettings::enabled() const { return enable_->isChecked(); }

int MetricSettings::every() const { return every_->value(); }

int MetricSettings::samples() const { return samples_->value(); }

int MetricSettings::swdImages() const { return swd_->value(); }

QString MetricSettings::inceptionPath() const {
  if (extractor_->currentIndex() != Inception) return QString();
  return inception_->text().trimmed();
}

void MetricSettings::setValues(bool enabled, int every, int samples, const QString& inceptionPath, int swdImages) {
  const bool was_enabled = this->enabled();
  const int was_every = this->every();
  const int was_samples = this->samples();
  const int was_swd = this->swdImages();
  const int was_extractor = extractor_->currentIndex();
  const QString was_text = inception_->text();
  {
    // One changed() for the whole update, not one per field.
    const QSignalBlocker b1(enable_), b2(every_), b3(samples_), b4(extractor_), b5(inception_), b6(swd_);
    enable_->setChecked(enabled);
    every_->setValue(every);
    samples_->setValue(samples);
    swd_->setMaximum(samples_->value());
    swd_->setValue(swdImages);
    const QString path = inceptionPath.trimmed();
    extractor_->setCurrentIndex(path.isEmpty() ? Classifier : Inception);
    // Choosing the classifier keeps a path typed earlier, so switching back does not lose it.
    if (!path.isEmpty()) inception_->setText(path);
  }
  updateEnabled();
  if (was_enabled != this->enabled() || was_every != this->every() ||
      was_samples != this->samples() || was_swd != this->swdImages() || was_extractor != extractor_->currentIndex() ||
      was_text != inception_->text()) {
    emit changed();
  }
}

void MetricSettings::setEditable(bool editable) {
  editable_ = editable;
  updateEnabled();
}

QStringList MetricSettings::problems() const {
  QStringList out;
  if (!enabled() || extractor_->currentIndex() != Inception) return out;
  const QString path = inceptionPath();
  if (path.isEmpty()) {
    out << tr("Metrics: choose the Inception TorchScript file, or use the dataset classifier");
  } else if (!QFileInfo(path).isFile()) {
    out << tr("Metrics: the Inception file \"%1\" does not exist").arg(path);
  }
  return out;
}

void MetricSettings::updateEnabled() {
  const bool on = editable_ && enable_->isChecked();
  const bool inception = on && extractor_->currentIndex() == Inception;
  enable_->setEnabled(editable_);
  for (QWidget* w : {static_cast<QWidget*>(every_), static_cast<QWidget*>(samples_), static_cast<QWidget*>(swd_),
                     static_cast<QWidget*>(extractor_), static_cast<QWidget*>(every_label_),
                     static_cast<QWidget*>(samples_label_), static_cast<QWidget*>(swd_label_),
                     static_cast<QWidget*>(extractor_label_)}) {
    w->setEnabled(on);
  }
  inception_->setEnabled(inception);
  browse_->setEnabled(inception);
  hint_->setEnabled(inception);
}

void MetricSettings::browse() {
  const QString current = inception_->text().trimmed();
  const QString start = current.isEmpty() ? QString() : QFileInfo(current).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, tr("Inception TorchScript file"), start,
                                                    tr("TorchScript (*.pt *.pth);;All files (*)"));
  if (!path.isEmpty()) inception_->setText(path);
}

}  // namespace ui
