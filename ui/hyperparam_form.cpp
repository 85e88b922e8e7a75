#include "ui/hyperparam_form.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <algorithm>
#include <cmath>
#include <limits>

namespace ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString rangeText(const gan::HyperParam& spec) {
  if (spec.type == gan::ParamType::Choice) {
    QStringList names;
    for (const std::string& c : spec.choices) names << qs(c);
    return QObject::tr("one of: %1").arg(names.join(", "));
  }
  return QObject::tr("range %1 .. %2")
      .arg(qs(gan::format_number(spec.min)), qs(gan::format_number(spec.max)));
}

int clampToInt(double v) {
  const double lo = double(std::numeric_limits<int>::min());
  const double hi = double(std::numeric_limits<int>::max());
  return int(std::clamp(v, lo, hi));
}

}  // namespace

HyperParamForm::HyperParamForm(QWidget* parent) : QWidget(parent) {
  form_ = new QFormLayout(this);
  form_->setContentsMargins(0, 0, 0, 0);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void HyperParamForm::setSpecs(const std::vector<gan::HyperParam>& specs) {
  while (form_->rowCount() > 0) form_->removeRow(0);  // deletes the row's widgets
  fields_.clear();
  specs_ = specs;

  for (size_t i = 0; i < specs_.size(); ++i) {
    const gan::HyperParam& spec = specs_[i];
    const QString tip = spec.help.empty() ? rangeText(spec)
                                          : QStringLiteral("%1\n(%2)").arg(qs(spec.help), rangeText(spec));
    QWidget* field = nullptr;
    switch (spec.type) {
      case gan::ParamType::Int: {
        auto* box = new QSpinBox(this);
        box->setRange(clampToInt(std::ceil(spec.min)), clampToInt(std::floor(spec.max)));
        double v = 0.0;
        if (gan::parse_number(spec.default_value, v)) box->setValue(clampToInt(v));
        // A value out of range is shown as a problem while typed (not silently put back), and becomes the
        // nearest allowed one when the field is left.
        box->setCorrectionMode(QAbstractSpinBox::CorrectToNearestValue);
        connect(box, &QSpinBox::textChanged, this, [box] {
          box->setStyleSheet(box->hasAcceptableInput() ? QString()
                                                       : QStringLiteral("QSpinBox { background-color: #ffd6d6; }"));
        });
        connect(box, &QSpinBox::valueChanged, this, &HyperParamForm::edited);
        field = box;
        break;
      }
      case gan::ParamType::Float: {
        auto* edit = new QLineEdit(qs(spec.default_value), this);
        connect(edit, &QLineEdit::textEdited, this, [this, i] {
          validateFloat(i);
          emit edited();
        });
        field = edit;
        break;
      }
      case gan::ParamType::Choice: {
        auto* combo = new QComboBox(this);
        for (const std::string& c : spec.choices) combo->addItem(qs(c));
        const int at = combo->findText(qs(spec.default_value));
        if (at >= 0) combo->setCurrentIndex(at);
        connect(combo, &QComboBox::currentIndexChanged, this, &HyperParamForm::edited);
        field = combo;
        break;
      }
    }
    field->setObjectName(qs(spec.name));
    field->setProperty("helpTip", tip);
    field->setToolTip(tip);
    auto* label = new QLabel(spec.label.empty() ? qs(spec.name) : qs(spec.label), this);
    label->setToolTip(tip);
    label->setBuddy(field);
    form_->addRow(label, field);
    fields_.push_back(field);
    if (spec.type == gan::ParamType::Float) validateFloat(i);
  }
  setEditable(editable_);
}

QString HyperParamForm::problemWith(const gan::HyperParam& spec, const QString& text) {
  const std::string s = text.trimmed().toStdString();
  if (spec.type == gan::ParamType::Choice) {
    if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
      return tr("%1: \"%2\" is not %3").arg(qs(spec.label), text, rangeText(spec));
    }
    return QString();
  }
  double v = 0.0;
  if (!gan::parse_number(s, v)) return tr("%1: \"%2\" is not a number").arg(qs(spec.label), text);
  if (v < spec.min || v > spec.max) {
    return tr("%1: %2 is outside %3").arg(qs(spec.label), text, rangeText(spec));
  }
  if (spec.type == gan::ParamType::Int && v != std::floor(v)) {
    return tr("%1: %2 is not a whole number").arg(qs(spec.label), text);
  }
  return QString();
}

QString HyperParamForm::fieldText(size_t index) const {
  QWidget* field = fields_[index];
  if (auto* box = qobject_cast<QSpinBox*>(field))  // what is typed, even before it is accepted
    return box->hasAcceptableInput() ? QString::number(box->value()) : box->cleanText();
  if (auto* edit = qobject_cast<QLineEdit*>(field)) return edit->text().trimmed();
  if (auto* combo = qobject_cast<QComboBox*>(field)) return combo->currentText();
  return QString();
}

void HyperParamForm::validateFloat(size_t index) {
  auto* edit = qobject_cast<QLineEdit*>(fields_[index]);
  if (!edit) return;
  const QString problem = problemWith(specs_[index], edit->text());
  if (problem.isEmpty()) {
    edit->setStyleSheet(QString());
    edit->setToolTip(edit->property("helpTip").toString());
  } else {
    edit->setStyleSheet(QStringLiteral("QLineEdit { background-color: #ffd6d6; }"));
    edit->setToolTip(problem);
  }
}

gan::ParamSet HyperParamForm::values() const {
  gan::ParamSet out;
  for (size_t i = 0; i < specs_.size(); ++i) out.set(specs_[i].name, fieldText(i).toStdString());
  return out;
}

void HyperParamForm::setValues(const gan::ParamSet& values) {
  for (size_t i = 0; i < specs_.size(); ++i) {
    const gan::HyperParam& spec = specs_[i];
    if (!values.has(spec.name)) continue;
    const QString text = qs(values.text(spec.name));
    QWidget* field = fields_[i];
    if (auto* box = qobject_cast<QSpinBox*>(field)) {
      double v = 0.0;
      if (gan::parse_number(text.toStdString(), v)) box->setValue(clampToInt(v));
    } else if (auto* edit = qobject_cast<QLineEdit*>(field)) {
      edit->setText(text);
      validateFloat(i);
    } else if (auto* combo = qobject_cast<QComboBox*>(field)) {
      const int at = combo->findText(text);
      if (at >= 0) combo->setCurrentIndex(at);
    }
  }
}

QStringList HyperParamForm::problems() const {
  QStringList out;
  for (size_t i = 0; i < specs_.size(); ++i) {
    const QString problem = problemWith(specs_[i], fieldText(i));
    if (!problem.isEmpty()) out << problem;
  }
  return out;
}

void HyperParamForm::setEditable(bool editable) {
  editable_ = editable;
  for (QWidget* field : fields_) {
    // Fields that cannot change now look it (greyed), rather than looking editable and refusing input.
    field->setEnabled(editable);
    if (auto* edit = qobject_cast<QLineEdit*>(field)) {
      edit->setReadOnly(!editable);
    } else if (auto* box = qobject_cast<QSpinBox*>(field)) {
      box->setReadOnly(!editable);
      box->setButtonSymbols(editable ? QAbstractSpinBox::UpDownArrows : QAbstractSpinBox::NoButtons);
    } else {
      field->setEnabled(editable);  // a combo box has no read-only mode
    }
  }
}

QWidget* HyperParamForm::field(const QString& name) const {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (qs(specs_[i].name) == name) return fields_[i];
  }
  return nullptr;
}

}  // namespace ui

