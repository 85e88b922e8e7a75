#include "ui/control_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <cmath>
#include <limits>

#include "models/core/explore.h"
#include "ui/image_input.h"

namespace ui {
namespace {

constexpr int kSteps = 1000;  // slider positions

QString q(const std::string& s) { return QString::fromStdString(s); }

// A slider's positions: one per whole number for a whole-number slider of a whole range, so that every
// value in it can be picked; else kSteps.
int positions(const gan::ControlSpec& s) {
  const double span = s.max - s.min;
  if (s.decimals == 0 && span >= 1 && span <= 100000 && span == std::floor(span) && s.min == std::floor(s.min))
    return int(span);
  return kSteps;
}
double sliderValue(const gan::ControlSpec& s, int pos) { return s.min + (s.max - s.min) * pos / double(positions(s)); }
int sliderPos(const gan::ControlSpec& s, double v) {
  if (s.max <= s.min) return 0;
  return int(std::lround((v - s.min) / (s.max - s.min) * positions(s)));
}

}  // namespace

ControlPanel::ControlPanel(QWidget* parent)
    : QWidget(parent),
      all_classes_(tr("All classes (a row each)")),
      all_attributes_(tr("All: as ticked, then each flipped (a row each)")) {
  form_ = new QFormLayout(this);
  form_->setContentsMargins(0, 0, 0, 0);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void ControlPanel::setControls(const std::vector<gan::ControlSpec>& specs) {
  while (form_->rowCount() > 0) form_->removeRow(0);
  entries_.clear();
  for (const auto& s : specs) {
    Entry e;
    e.spec = s;
    build(e);
    entries_.push_back(e);
    form_->addRow(q(s.label), e.row);
    form_->labelForField(e.row)->setToolTip(q(s.help));
    if (s.kind == gan::ControlKind::Class) fillClasses(entries_.back());
    if (s.kind == gan::ControlKind::Attributes) fillAttributes(entries_.back());
  }
}

void ControlPanel::build(Entry& e) {
  const gan::ControlSpec& s = e.spec;
  const QString help = q(s.help);
  switch (s.kind) {
    case gan::ControlKind::Seed: {
      auto* row = new QWidget(this);
      auto* box = new QSpinBox(row);
      box->setRange(0, std::numeric_limits<int>::max());
      box->setValue(q(s.default_value).toInt());
      box->setToolTip(help);
      auto* dice = new QPushButton(tr("Random"), row);
      dice->setToolTip(tr("Draw another seed"));
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      h->addWidget(box, 1);
      h->addWidget(dice);
      connect(box, &QSpinBox::valueChanged, this, &ControlPanel::changed);
      connect(dice, &QPushButton::clicked, box,
              [box] { box->setValue(int(QRandomGenerator::global()->bounded(std::numeric_limits<int>::max()))); });
      e.row = row;
      e.main = box;
      break;
    }
    case gan::ControlKind::Slider: {
      auto* row = new QWidget(this);
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      QCheckBox* on = nullptr;
      if (s.optional) {
        on = new QCheckBox(row);
        on->setToolTip(tr("Switch %1 on or off").arg(q(s.label)));
        h->addWidget(on);
      }
      auto* slider = new QSlider(Qt::Horizontal, row);
      slider->setRange(0, positions(s));
      slider->setValue(sliderPos(s, q(s.default_value).toDouble()));
      slider->setToolTip(help);
      auto* value = new QLabel(row);
      value->setMinimumWidth(value->fontMetrics().horizontalAdvance("0.0000") + 4);
      h->addWidget(slider, 1);
      h->addWidget(value);
      auto show = [s, slider, value, on] {
        value->setText(on && !on->isChecked() ? tr("off") : QString::number(sliderValue(s, slider->value()), 'f', s.decimals));
        slider->setEnabled(!on || on->isChecked());
      };
      show();
      connect(slider, &QSlider::valueChanged, this, [this, show] {
        show();
        emit changed();
      });
      if (on)
        connect(on, &QCheckBox::toggled, this, [this, show] {
          show();
          emit changed();
        });
      e.row = row;
      e.main = slider;
      e.extra = on;
      break;
    }
    case gan::ControlKind::Choice: {
      auto* box = new QComboBox(this);
      for (size_t i = 0; i < s.choices.size(); ++i)
        box->addItem(i < s.choice_labels.size() ? q(s.choice_labels[i]) : q(s.choices[i]), q(s.choices[i]));
      const int at = box->findData(q(s.default_value));
      if (at >= 0) box->setCurrentIndex(at);
      box->setToolTip(help);
      connect(box, &QComboBox::currentIndexChanged, this, &ControlPanel::changed);
      e.row = e.main = box;
      break;
    }
    case gan::ControlKind::Class: {
      auto* box = new QComboBox(this);
      box->setToolTip(help);
      connect(box, &QComboBox::currentIndexChanged, this, &ControlPanel::changed);
      e.row = e.main = box;
      break;
    }
    case gan::ControlKind::Attributes: {  // a box per attribute, filled by setClasses
      auto* boxes = new QWidget(this);
      boxes->setToolTip(help);
      new QGridLayout(boxes);
      boxes->layout()->setContentsMargins(0, 0, 0, 0);
      e.row = e.main = boxes;
      break;
    }
    case gan::ControlKind::Toggle: {
      auto* box = new QCheckBox(this);
      box->setChecked(s.default_value == "on");
      box->setToolTip(help);
      connect(box, &QCheckBox::toggled, this, &ControlPanel::changed);
      e.row = e.main = box;
      break;
    }
    case gan::ControlKind::Image: {
      auto* input = new ImageInput(this);
      input->setToolTip(help);
      connect(input, &ImageInput::changed, this, &ControlPanel::changed);
      e.row = e.main = input;
      break;
    }
    case gan::ControlKind::Point: {  // x and y in [0, 1]; the panel's images set it when clicked
      auto* row = new QWidget(this);
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      double x = 0.5, y = 0.5;
      gan::parse_point(s.default_value, x, y);
      QDoubleSpinBox* boxes[2] = {new QDoubleSpinBox(row), new QDoubleSpinBox(row)};
      const double start[2] = {x, y};
      const char* names[2] = {"x", "y"};
      for (int k = 0; k < 2; ++k) {
        boxes[k]->setRange(0, 1);
        boxes[k]->setDecimals(3);
        boxes[k]->setSingleStep(0.05);
        boxes[k]->setValue(start[k]);
        boxes[k]->setToolTip(help);
        connect(boxes[k], &QDoubleSpinBox::valueChanged, this, &ControlPanel::changed);
        h->addWidget(new QLabel(names[k], row));
        h->addWidget(boxes[k], 1);
      }
      e.row = row;
      e.main = boxes[0];
      e.extra = boxes[1];
      break;
    }
    case gan::ControlKind::LayerRange: {
      auto* row = new QWidget(this);
      auto* lo = new QSpinBox(row);
      auto* hi = new QSpinBox(row);
      for (auto* b : {lo, hi}) {
        b->setRange(int(s.min), int(s.max));
        b->setToolTip(help);
        connect(b, &QSpinBox::valueChanged, this, &ControlPanel::changed);
      }
      const QStringList d = q(s.default_value).split(':');
      lo->setValue(d.value(0, QString::number(int(s.min))).toInt());
      hi->setValue(d.value(1, QString::number(int(s.max))).toInt());
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      h->addWidget(lo);
      h->addWidget(new QLabel(tr("to"), row));
      h->addWidget(hi);
      e.row = row;
      e.main = lo;
      e.extra = hi;
      break;
    }
  }
}

void ControlPanel::setClasses(const QStringList& names, bool attributes) {
  classes_ = names;
  attributes_ = attributes;
  for (auto& e : entries_) {
    if (e.spec.kind == gan::ControlKind::Class) fillClasses(e);
    if (e.spec.kind == gan::ControlKind::Attributes) fillAttributes(e);
  }
}

void ControlPanel::setAllLabels(const QString& classes, const QString& attributes) {
  all_classes_ = classes;
  all_attributes_ = attributes;
}

void ControlPanel::showRow(const Entry& e, bool visible) {
  e.row->setVisible(visible);
  if (QWidget* label = form_->labelForField(e.row)) label->setVisible(visible);
}

// Three boxes a row, named by the attributes; those ticked before stay ticked.
void ControlPanel::fillAttributes(Entry& e) {
  QStringList ticked;
  for (auto* box : e.main->findChildren<QCheckBox*>())
    if (box->isChecked()) ticked << box->text();
  qDeleteAll(e.main->findChildren<QCheckBox*>());
  auto* grid = static_cast<QGridLayout*>(e.main->layout());
  if (attributes_)
    for (int k = 0; k < classes_.size(); ++k) {
      auto* box = new QCheckBox(classes_[k], e.main);
      box->setObjectName(classes_[k]);
      box->setChecked(ticked.contains(classes_[k]));
      box->setToolTip(e.main->toolTip());
      connect(box, &QCheckBox::toggled, this, &ControlPanel::changed);
      grid->addWidget(box, k / 3, k % 3);
    }
  showRow(e, attributes_ && !classes_.isEmpty());
}

void ControlPanel::fillClasses(Entry& e) {
  auto* box = static_cast<QComboBox*>(e.main);
  const QVariant before = box->currentData();
  {
    const QSignalBlocker block(box);
    box->clear();
    if (e.spec.all_option && !classes_.isEmpty()) box->addItem(attributes_ ? all_attributes_ : all_classes_, QStringLiteral("all"));
    for (int k = 0; k < classes_.size(); ++k)
      box->addItem(classes_[k].isEmpty() ? tr("Class %1").arg(k) : classes_[k], QString::number(k));
    int at = box->findData(before);
    if (at < 0) at = box->findData(q(e.spec.default_value));
    box->setCurrentIndex(std::max(0, at));
  }
  showRow(e, !classes_.isEmpty());
}

QMap<QString, QString> ControlPanel::values() const {
  QMap<QString, QString> out;
  for (const auto& e : entries_) {
    const QString id = q(e.spec.id);
    switch (e.spec.kind) {
      case gan::ControlKind::Seed:
        out[id] = QString::number(static_cast<QSpinBox*>(e.main)->value());
        break;
      case gan::ControlKind::Slider: {
        auto* on = static_cast<QCheckBox*>(e.extra);
        if (!on || on->isChecked())
          // As many digits as the control shows: the slider's positions are a grid over its range.
          out[id] = QString::number(QString::number(sliderValue(e.spec, static_cast<QSlider*>(e.main)->value()), 'f',
                                                    e.spec.decimals).toDouble(), 'g', 10);
        break;
      }
      case gan::ControlKind::Choice:
      case gan::ControlKind::Class: {
        auto* box = static_cast<QComboBox*>(e.main);
        if (box->count() > 0) out[id] = box->currentData().toString();
        break;
      }
      case gan::ControlKind::Toggle:
        out[id] = static_cast<QCheckBox*>(e.main)->isChecked() ? "on" : "off";
        break;
      case gan::ControlKind::Attributes: {  // "name=1,name=0" in the attributes' order
        if (!attributes_) break;
        QStringList parts;
        for (const QString& name : classes_)
          if (auto* box = e.main->findChild<QCheckBox*>(name, Qt::FindDirectChildrenOnly))
            parts << name + (box->isChecked() ? "=1" : "=0");
        out[id] = parts.join(',');
        break;
      }
      case gan::ControlKind::Image:
        break;
      case gan::ControlKind::Point:
        out[id] = QString::fromStdString(gan::format_point(static_cast<QDoubleSpinBox*>(e.main)->value(),
                                                           static_cast<QDoubleSpinBox*>(e.extra)->value()));
        break;
      case gan::ControlKind::LayerRange:
        out[id] = QString("%1:%2").arg(static_cast<QSpinBox*>(e.main)->value()).arg(static_cast<QSpinBox*>(e.extra)->value());
        break;
    }
  }
  return out;
}

QMap<QString, QVector<QImage>> ControlPanel::images() const {
  QMap<QString, QVector<QImage>> out;
  for (const auto& e : entries_)
    if (e.spec.kind == gan::ControlKind::Image) out[q(e.spec.id)] = static_cast<ImageInput*>(e.main)->images();
  return out;
}

bool ControlPanel::setValue(const QString& id, const QString& value) {
  const Entry* e = find(id);
  if (!e) return false;
  switch (e->spec.kind) {
    case gan::ControlKind::Seed: {
      bool ok = false;
      const int v = value.toInt(&ok);
      if (ok) static_cast<QSpinBox*>(e->main)->setValue(v);
      return ok;
    }
    case gan::ControlKind::Slider: {
      auto* on = static_cast<QCheckBox*>(e->extra);
      if (value == "off") {
        if (!on) return false;
        on->setChecked(false);
        return true;
      }
      bool ok = false;
      const double v = value.toDouble(&ok);
      if (!ok) return false;
      if (on) on->setChecked(true);
      static_cast<QSlider*>(e->main)->setValue(sliderPos(e->spec, v));
      return true;
    }
    case gan::ControlKind::Choice:
    case gan::ControlKind::Class: {
      auto* box = static_cast<QComboBox*>(e->main);
      const int at = box->findData(value);
      if (at >= 0) box->setCurrentIndex(at);
      return at >= 0;
    }
    case gan::ControlKind::Toggle:
      static_cast<QCheckBox*>(e->main)->setChecked(value == "on");
      return value == "on" || value == "off";
    case gan::ControlKind::Attributes: {  // "name=1,name=0": the boxes named; the others as they are
      std::vector<std::pair<QCheckBox*, bool>> sets;
      for (const QString& part : value.split(',', Qt::SkipEmptyParts)) {
        const QStringList kv = part.split('=');
        auto* box = e->main->findChild<QCheckBox*>(kv[0].trimmed(), Qt::FindDirectChildrenOnly);
        const QString v = kv.value(1, "1").trimmed();
        if (!box || kv.size() > 2 || (v != "0" && v != "1")) return false;
        sets.push_back({box, v == "1"});
      }
      for (auto [box, on] : sets) box->setChecked(on);
      return true;
    }
    case gan::ControlKind::Image:
      return false;
    case gan::ControlKind::Point: {
      double x = 0, y = 0;
      if (!gan::parse_point(value.toStdString(), x, y)) return false;
      auto* bx = static_cast<QDoubleSpinBox*>(e->main);
      auto* by = static_cast<QDoubleSpinBox*>(e->extra);
      const double ox = bx->value(), oy = by->value();
      {
        const QSignalBlocker bx_quiet(bx), by_quiet(by);  // one change, after both are set
        bx->setValue(x);
        by->setValue(y);
      }
      if (bx->value() != ox || by->value() != oy) emit changed();
      return true;
    }
    case gan::ControlKind::LayerRange: {
      const QStringList parts = value.split(':');
      if (parts.size() != 2) return false;
      static_cast<QSpinBox*>(e->main)->setValue(parts[0].toInt());
      static_cast<QSpinBox*>(e->extra)->setValue(parts[1].toInt());
      return true;
    }
  }
  return false;
}

const ControlPanel::Entry* ControlPanel::find(const QString& id) const {
  for (const auto& e : entries_)
    if (q(e.spec.id) == id) return &e;
  return nullptr;
}

QWidget* ControlPanel::control(const QString& id) const {
  const Entry* e = find(id);
  return e ? e->main : nullptr;
}

ImageInput* ControlPanel::imageInput(const QString& id) const {
  const Entry* e = find(id);
  return e && e->spec.kind == gan::ControlKind::Image ? static_cast<ImageInput*>(e->main) : nullptr;
}

}  // namespace ui
