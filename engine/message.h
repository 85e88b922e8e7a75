#pragma once
// Messages from the engine to the user, with a severity (never guessed from their text).
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

}  // namespace gan
