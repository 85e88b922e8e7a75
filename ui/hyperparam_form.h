#pragma once
// A form generated from a family's hyper-parameter specs: one editor per spec, values as text.
#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "models/core/params.h"

class QFormLayout;

namespace ui {

class HyperParamForm : public QWidget {
  Q_OBJECT
 public:
  explicit HyperParamForm(QWidget* parent = nullptr);

  // Rebuilds the form; every field starts at its spec's default.
  void setSpecs(const std::vector<gan::HyperParam>& specs);
  const std::vector<gan::HyperParam>& specs() const { return specs_; }
  // The text of every field, by spec name.
  gan::ParamSet values() const;
  // Sets the fields it knows; unknown names are ignored.
  void setValues(const gan::ParamSet& values);
  // One message per invalid field; empty when all are valid.
  QStringList problems() const;
  void setEditable(bool editable);
  // The editor of `name`, or nullptr (for tests).
  QWidget* field(const QString& name) const;

 signals:
  void edited();

 private:
  // Empty when `text` is a valid value for `spec`.
  static QString problemWith(const gan::HyperParam& spec, const QString& text);
  QString fieldText(size_t index) const;
  void validateFloat(size_t index);

  QFormLayout* form_ = nullptr;
  std::vector<gan::HyperParam> specs_;
  std::vector<QWidget*> fields_;  // parallel to specs_
  bool editable_ = true;
};

}  // namespace ui
