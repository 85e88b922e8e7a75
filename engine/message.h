#pragma once
// Messages from the engine to the user, with a severity (never guessed from their text).
#include <optional>
#include <string>

namespace gan {

// How a message is shown: a note, something to look at, or something that went wrong.
enum class Severity { Info, Warning, Error };
const char* to_string(Severity s);

struct Message {
  Severity severity = Severity::Info;
  std::string text;
  bool diverged = false;     // a loss became NaN or infinite: training paused (the CLI stops, exit 3)
  bool save_failed = false;  // a checkpoint could not be written: training paused (the CLI stops, exit 1)
};

// The progress of a long task (the metric classifier's training), sent over the text channels that
// carry status lines, in a form a window can read back to draw a progress bar.
struct Progress {
  std::string what;           // "training the metric classifier on Fashion-MNIST (epoch 2 of 5)"
  double fraction = 0;        // 0..1
  double seconds_left = -1;   // -1: not known yet
};
// "WHAT: 34% done, about 3:10 left" ("..., time left unknown" while it is not known).
std::string progress_line(const Progress& p);
// The Progress a progress_line() wrote; nothing for any other line.
std::optional<Progress> parse_progress(const std::string& line);

}  // namespace gan
