#pragma once
// The settings the program remembers between sessions (window geometry, folders, recent files, metric
// settings): one QSettings store, ~/.config/gan-explorer/gan-explorer.conf on Linux.
#include <QSettings>
#include <QString>
#include <memory>

namespace ui {

std::unique_ptr<QSettings> appSettings();

// A folder remembered under `key` ("dirs/checkpoints"), or `fallback` when none is, or it is gone.
QString rememberedFolder(const QString& key, const QString& fallback);
// Remembers the folder of `path` (a file) under `key`.
void rememberFolderOf(const QString& key, const QString& path);

}  // namespace ui
