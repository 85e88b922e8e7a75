#pragma once
// File > Compare checkpoints: two or more checkpoints side by side, of any families whose generators
// draw from latents of the same size. Each column shows its sample grid on the same seed and the image
// of the shared explore panel (the latent explorer); one set of controls drives every column at once.
// Each checkpoint is read on a thread of its own and rendered by an explorer of its own (latest wins).
#include <QPointer>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>

#include "models/core/capabilities.h"
#include "ui/engine_bridge.h"

class QHBoxLayout;
class QLabel;
class QSpinBox;

namespace ui {

class ControlPanel;
class ImageView;

// One checkpoint, read off the GUI thread and rendered by its own explorer.
class CheckpointViewer : public QObject {
  Q_OBJECT
 public:
  explicit CheckpointViewer(QObject* parent = nullptr);
  ~CheckpointViewer() override;  // waits for a read in progress
  void open(const QString& path);
  quint64 requestRender(const RenderSpec& spec);

  struct Info {
    QString path, model, modelName;
    qint64 step = 0;
    long long latentDim = -1;  // -1: the family draws from no latent
    gan::Capabilities caps;
    QStringList classNames;
  };

 signals:
  void opened(const ui::CheckpointViewer::Info& info);
  void failed(const QString& why);
  void rendered(const ui::RenderedResult& result);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class CompareWindow : public QWidget {
  Q_OBJECT
 public:
  explicit CompareWindow(QWidget* parent = nullptr);
  ~CompareWindow() override;

  // Adds a column for a checkpoint (read on a thread; its column says so meanwhile).
  void addCheckpoint(const QString& path);
  int columns() const { return columns_.size(); }
  // A column's title, message (a refusal, an error), sample grid and explore image.
  QString columnTitle(int i) const;
  QString columnMessage(int i) const;
  QImage gridImage(int i) const;
  QImage viewImage(int i) const;
  // The controls that drive every column (the shared view's), and the grid's seed.
  ControlPanel* controls() const { return controls_; }
  QSpinBox* seedBox() const { return seed_; }
  QString viewId() const { return view_id_; }

 private:
  struct Column;
  void resolve();
  void onOpened(Column* c, const CheckpointViewer::Info& info);
  void requestAll();
  void request(Column* c);

  QVector<Column*> columns_;
  QHBoxLayout* row_ = nullptr;
  ControlPanel* controls_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QLabel* hint_ = nullptr;
  QString view_id_;           // the explore view every column shows (set by the first to open)
  long long latent_dim_ = -1;
};

}  // namespace ui
