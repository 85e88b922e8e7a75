#pragma once
// When and how FID / KID / IS (and MS-SSIM among samples) are computed during training: on/off,
// period, number of generated samples, how many of them the sliced Wasserstein distance uses, and the
// feature extractor (the offline dataset classifier, or a user-supplied Inception
// TorchScript file; GAN Explorer never downloads one).
#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ui {

class MetricSettings : public QWidget {
  Q_OBJECT
 public:
  enum Extractor { Classifier = 0, Inception = 1 };  // extractorCombo() item indices

  explicit MetricSettings(QWidget* parent = nullptr);

  bool enabled() const;
  int every() const;
  int samples() const;
  int swdImages() const;  // 0: no SWD
  // The Inception file's path; empty when the dataset classifier is chosen.
  QString inceptionPath() const;
  // An empty `inceptionPath` selects the classifier. Emits changed() once if anything differs.
  void setValues(bool enabled, int every, int samples, const QString& inceptionPath, int swdImages = 0);
  // False locks the whole form (while a run is active).
  void setEditable(bool editable);
  bool isEditable() const { return editable_; }
  // One message per setting that would stop a run from starting; empty when there is none
  // (Inception chosen without a file, or with a path that is not a file).
  QStringList problems() const;

  QCheckBox* enableBox() const { return enable_; }
  QSpinBox* everySpin() const { return every_; }
  QSpinBox* samplesSpin() const { return samples_; }
  QSpinBox* swdSpin() const { return swd_; }
  QComboBox* extractorCombo() const { return extractor_; }
  QLineEdit* inceptionEdit() const { return inception_; }
  QPushButton* browseButton() const { return browse_; }

  static constexpr int kDefaultEvery = 500;
  static constexpr int kDefaultSamples = 2000;

 signals:
  void changed();

 private:
  void updateEnabled();
  void browse();

  QCheckBox* enable_ = nullptr;
  QSpinBox* every_ = nullptr;
  QSpinBox* samples_ = nullptr;
  QSpinBox* swd_ = nullptr;
  QLabel* swd_label_ = nullptr;
  QComboBox* extractor_ = nullptr;
  QLineEdit* inception_ = nullptr;
  QPushButton* browse_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* every_label_ = nullptr;
  QLabel* samples_label_ = nullptr;
  QLabel* extractor_label_ = nullptr;
  bool editable_ = true;
};

}  // namespace ui
