#pragma once
// Files in and out: atomic writes with every system call checked, whole-file reads that refuse what is
// not a regular file, and the clean-up of the temporaries that killed runs leave behind.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace gan {

// Writes `bytes` to `path` atomically: a temporary beside it (PATH.tmp-PID-N) is written, synced and
// renamed over `path`, and the folder is synced. Every system call is checked. On failure the
// temporary is removed, the old file is left as it was, and std::runtime_error says what happened
// ("could not write run/checkpoint.pt: No space left on device (the disk is full)"). A target that
// exists and is not a regular file (a folder, a device, a pipe) is refused; a link is written through.
void write_bytes_atomically(const std::string& path, const std::string& bytes);

// The same for a writer to a stream: `write` fills memory, which is then written as above.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// A LibTorch archive serialised in memory (LibTorch's own file writer is never used: on a full disk it
// aborts the program).
std::string archive_bytes(torch::serialize::OutputArchive& archive);

// Throws std::runtime_error naming `what` ("checkpoint", "dataset file") when `path` does not exist or
// is not a regular file (a folder, a device such as /dev/zero, a pipe). Links are followed.
void require_regular_file(const std::string& path, const std::string& what);

// The whole of a regular file (require_regular_file first); refuses files over `max_bytes`.
std::string read_file_bytes(const std::string& path, const std::string& what,
                            std::uint64_t max_bytes = std::uint64_t(1) << 40);

// Removes the temporaries NAME.tmp-PID[-N][.EXT] in `dir` that this app's atomic writes left when
// their process was killed (the process PID no longer runs); only those of NAME `only_of` when it is
// given (a folder of the user's, where nothing else is touched). Returns how many were removed.
int remove_stale_temporaries(const std::string& dir, const std::string& only_of = "");

// PATH.tmp-PID-N`suffix`, unique in this process: the name of a temporary that becomes PATH by a
// rename (and that remove_stale_temporaries removes when its process was killed). `suffix` (".mp4")
// is for writers that choose the format by the file's extension.
std::string temporary_name(const std::string& path, const std::string& suffix = "");
// Syncs the folder that holds `path` (after a rename into it).
void sync_folder_of(const std::string& path);

// $GAN_EXPLORER_CACHE, else $XDG_CACHE_HOME/gan-explorer, else ~/.cache/gan-explorer (created; its
// stale temporaries are removed the first time). Throws std::runtime_error when it cannot be created.
std::string cache_dir();

// Whether an errno means that the disk (or the user's quota) is full.
bool is_disk_full(int err);

}  // namespace gan
