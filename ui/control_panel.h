#pragma once
// Controls built from a family's declarations (gan::ControlSpec): seeds, sliders (optionally
// switched off), choices, classes, attribute boxes, toggles, images and layer ranges. Every change emits changed();
// values() reads them all as text, the way the engine and the command line take them.
#include <QImage>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <vector>

#include "models/core/capabilities.h"

class QFormLayout;

namespace ui {

class ImageInput;

class ControlPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ControlPanel(QWidget* parent = nullptr);

  // Replaces the controls.
  void setControls(const std::vector<gan::ControlSpec>& specs);
  // The run's classes (Class controls list them; unnamed ones show as "Class k"). No classes hides
  // the Class controls. With `attributes`, the names are the run's binary attributes: Attributes
  // controls show a box for each (they are hidden otherwise), and Class controls pick one of them.
  void setClasses(const QStringList& names, bool attributes = false);
  // What a Class control's "all" item says, for class runs and for attribute runs (by default a row
  // each: a grid or panel; a dialog that writes files says so). Takes effect at the next setClasses.
  void setAllLabels(const QString& classes, const QString& attributes);
  bool hasControls() const { return !entries_.empty(); }
  // id -> value; sliders switched off and Class controls without classes are left out.
  QMap<QString, QString> values() const;
  QMap<QString, QVector<QImage>> images() const;
  // Sets a control by id to a value as values() gives it ("off" switches an optional slider off);
  // false for an unknown id or a value the control cannot show.
  bool setValue(const QString& id, const QString& value);
  // The control's widget (tests): QSpinBox row, QSlider, QComboBox, QCheckBox, ImageInput, ...
  QWidget* control(const QString& id) const;
  ImageInput* imageInput(const QString& id) const;

 signals:
  void changed();

 private:
  struct Entry {
    gan::ControlSpec spec;
    QWidget* row = nullptr;     // what the form shows
    QWidget* main = nullptr;    // the control itself
    QWidget* extra = nullptr;   // the slider's on/off box, the range's upper bound
  };
  void build(Entry& e);
  void fillClasses(Entry& e);
  void fillAttributes(Entry& e);
  void showRow(const Entry& e, bool visible);
  const Entry* find(const QString& id) const;

  std::vector<Entry> entries_;
  QStringList classes_;
  bool attributes_ = false;
  QString all_classes_, all_attributes_;  // the "all" item's text (setAllLabels)
  QFormLayout* form_ = nullptr;
};

}  // namespace ui
