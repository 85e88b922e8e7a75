#pragma once
// File › Export › Interpolation as animation: the seeds, frames, speed and the file to write, in one
// dialog. OK is offered only for a .gif or .mp4 path in a folder that exists; a file already there is
// replaced only when the user says so.
#include <QDialog>
#include <QString>

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ui {

class AnimationDialog : public QDialog {
  Q_OBJECT
 public:
  struct Choice {
    qint64 fromSeed = 1;
    qint64 toSeed = 2;
    int frames = 48;
    double fps = 12;
    bool bounce = true;
    QString path;
  };

  // `path`: the file proposed (the folder last used, walk.gif).
  AnimationDialog(const QString& path, QWidget* parent = nullptr);
  Choice choice() const;
  void setChoice(const Choice& c);

  // Why OK is not offered (empty: it is); shown under the path.
  QString problem() const;
  QDialogButtonBox* buttons() const { return buttons_; }
  QLineEdit* pathEdit() const { return path_; }

  void accept() override;

 private:
  void check();

  QSpinBox* from_ = nullptr;
  QSpinBox* to_ = nullptr;
  QSpinBox* frames_ = nullptr;
  QDoubleSpinBox* fps_ = nullptr;
  QCheckBox* bounce_ = nullptr;
  QLineEdit* path_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace ui
