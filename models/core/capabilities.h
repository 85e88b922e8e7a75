#pragma once
// What a family declares about itself, as plain data (no LibTorch, so the UI can read it): the data
// streams it trains on, the curves it reports, the options its samples take and the explore panels it
// offers. The engine, the command line and the UI are built from these declarations; none of them
// names a family, a series or a control.
#include <string>
#include <vector>

namespace gan {

// ---- Data streams ------------------------------------------------------------------------------
// A named stream of training items ("images"; "A" and "B"). The trainer asks a stream for n items at
// a time (n may change from step to step) and saves each stream's position in the checkpoint.
struct StreamSpec {
  std::string name;              // key in configs and checkpoints; the CLI's --data-NAME (--data for "images")
  std::string label;             // "Images", "Domain A"
  std::string help;              // one line
  bool needs_labels = false;     // the family uses the items' classes
  std::string default_data = "fashion-mnist";  // what a run trains on when not told ("SOURCE[:CLASS]")
  // The family also takes binary attributes as the items' labels (an attribute file: several 0/1 labels
  // per item, one per attribute, instead of one class).
  bool takes_attributes = false;
  // The family's classes are the data's classes present (those a class filter picked), numbered from 0
  // in their order, not every class of the whole dataset: its domains are the classes it trains on.
  bool present_classes_only = false;
  // An optional stream (no data unless given; default_data is empty) whose classes are more domains
  // after the first stream's: a second dataset with another label set, trained at once and told apart
  // by a mask vector (StarGAN). Its class names must differ from the first stream's.
  bool extra_domains = false;
};

// ---- Curves ------------------------------------------------------------------------------------
// Where a series is drawn. Loss: the left axis. The others share the right axis, which is labelled
// with the kinds it shows.
enum class SeriesAxis {
  Loss,      // losses and penalty terms
  Output,    // the discriminator's outputs or scores, and distance estimates
  Accuracy,  // a classifier's accuracy, 0..1
  Fraction,  // a schedule in 0..1 (a fade-in alpha, a learning-rate factor)
  Stage,     // a stage that changes now and then (ProGAN's resolution): its changes are marked on the
             // loss plot, and it is drawn as steps beside the Fraction series on the schedule plot
  Progress,  // the run's progress in the family's own unit (thousands of images shown): the schedule
             // plot's x axis; not drawn itself
  Share,     // a share, 0..1, that the family measures of its own samples (modes covered)
};
const char* to_string(SeriesAxis a);

enum class SeriesKind {
  PerStep,   // reported by every training step
  Measured,  // measured now and then (a test accuracy, modes covered): drawn unsmoothed, with markers.
             // On the Accuracy axis it is a classifier's (Family::classify); on another, the family
             // measures it itself (Family::measure)
};

struct SeriesSpec {
  std::string id;      // the scalar's key in steps, logs and checkpoints
  std::string label;   // legend text
  SeriesAxis axis = SeriesAxis::Loss;
  SeriesKind kind = SeriesKind::PerStep;
  std::string help;    // tooltip
};

// ---- Controls ----------------------------------------------------------------------------------
enum class ControlKind {
  Seed,        // a whole number naming a random draw (with a "random" button)
  Slider,      // a number in [min, max]; `optional` adds an on/off switch (off: the value is absent)
  Choice,      // one of `choices` (shown as `choice_labels` when given)
  Class,       // one of the run's classes; `all_option` adds "all classes" (value "all")
  Toggle,      // "on" or "off"
  Image,       // one or many images given by the user (open, paste, drag and drop)
  LayerRange,  // a range "lo:hi" of layer indices in [min, max]
  Point,       // a position "x,y" on the view's image outputs, each in [0, 1] from the top left; clicking
               // an image output sets it
  Attributes,  // the run's binary attributes, a box each: "name=1,name=0" (attributes not named are 0);
               // shown only for runs whose labels are attributes, as Class controls only for classes
};
const char* to_string(ControlKind k);

struct ControlSpec {
  std::string id;
  std::string label;
  std::string help;
  ControlKind kind = ControlKind::Slider;
  double min = 0, max = 1;
  int decimals = 2;                       // Slider: digits shown
  std::string default_value;              // as text; empty for Image
  std::vector<std::string> choices;
  std::vector<std::string> choice_labels;  // parallel to choices; empty: the choices themselves
  bool optional = false;                  // Slider: may be switched off
  bool all_option = false;                // Class: offers "all classes"
  bool on_grid = true;                    // a sample option shown with the sample grid (else command line only)
};

// Controls in one line each.
ControlSpec seed_control(std::string id, std::string label, std::string help, long long default_seed);
ControlSpec slider_control(std::string id, std::string label, std::string help, double min, double max,
                           double default_value, int decimals = 2, bool optional = false);
ControlSpec choice_control(std::string id, std::string label, std::string help, std::vector<std::string> choices,
                           std::string default_value, std::vector<std::string> choice_labels = {});
ControlSpec class_control(std::string id, std::string label, std::string help, bool all_option);
ControlSpec image_control(std::string id, std::string label, std::string help);
ControlSpec toggle_control(std::string id, std::string label, std::string help, bool on);
ControlSpec point_control(std::string id, std::string label, std::string help, double x, double y);
ControlSpec attributes_control(std::string id, std::string label, std::string help);
// The same control kept off the sample grid (a command-line option of `sample`).
ControlSpec command_line_only(ControlSpec c);

// ---- Outputs and panels ------------------------------------------------------------------------
enum class OutputKind { Image, Text, Volume };
const char* to_string(OutputKind k);

struct OutputSpec {
  std::string id;
  std::string label;
  OutputKind kind = OutputKind::Image;
  std::string help;
};

// An explore panel: its controls, and the outputs (and scalars) a request renders to.
struct ViewSpec {
  std::string id;      // "latent", "translate"
  std::string title;   // "Latent explorer", "Translation"
  std::string help;
  std::vector<ControlSpec> controls;
  std::vector<OutputSpec> outputs;
};

// A direction of translation from one stream's domain to another's (image-to-image families).
struct TranslationSpec {
  std::string id;     // "AtoB": --direction, the translation panel's choice
  std::string from;   // stream names
  std::string to;
};

// The sample option that trades variety for fidelity (the truncation trick): z's threshold for the latent
// families, psi for StyleGAN. A fidelity-diversity sweep (`sample --sweep`, `metrics --sweep`) steps it
// through `sweep` by default, from the least truncated ("off" for an optional slider) to the most.
// The GUI shows it, with the options in `with`, in the sample grid's Truncation box; a family without
// one says why in `why_none`, shown on that box greyed out.
struct TruncationSpec {
  std::string option;               // a sample option's id; empty: the family has none
  std::vector<std::string> sweep;   // its values, as text
  std::vector<std::string> with;    // sample options that shape it (StyleGAN's cutoff, BigGAN's standing statistics)
  std::string why_none;             // when there is no option: why, for the user
  explicit operator bool() const { return !option.empty(); }
};

struct Capabilities {
  std::vector<StreamSpec> streams{{"images", "Images", "The images to learn to generate", false, "fashion-mnist"}};
  // For a family without streams (the 2-D toys): what it trains on, which it draws itself.
  std::string own_data;
  std::vector<SeriesSpec> series;
  // The options `sample` takes (the sample grid's controls, `gan-explorer sample --ID VALUE`).
  std::vector<ControlSpec> sample_options;
  std::vector<ViewSpec> views;
  // The two-domain directions (CycleGAN's AtoB, BtoA): `gan-explorer metrics` judges each.
  std::vector<TranslationSpec> translations;
  // What a translation of given images takes (`gan-explorer translate --ID VALUE`, File > Translate a
  // folder): a direction, a target domain, attributes. Empty: the family does not translate images.
  std::vector<ControlSpec> translate_options;
  // The translate option that names the target class (a Class control), for families that translate
  // into any of the run's classes: `gan-explorer metrics` translates each class's test images into
  // every class through it. Empty when none.
  std::string target_option;
  // FID / KID / IS of samples drawn from noise, against the "images" stream.
  bool noise_metrics = true;
  TruncationSpec truncation;

  bool needs_labels() const;
  // The measured accuracy series, in the order Family::classify returns its classifiers' logits.
  std::vector<std::string> classifiers() const;
  // True when the family measures Measured series of its own (Family::measure).
  bool has_measures() const;
  const SeriesSpec* find_series(const std::string& id) const;
  // The first series on `axis`, or null.
  const SeriesSpec* first_on(SeriesAxis axis) const;
  // True when there is a schedule to plot (a Fraction or Stage series).
  bool has_schedule() const;
  const StreamSpec* find_stream(const std::string& name) const;
  const ControlSpec* find_sample_option(const std::string& id) const;
  const TranslationSpec* find_translation(const std::string& id) const;
  const ControlSpec* find_translate_option(const std::string& id) const;
  bool translates() const { return !translate_options.empty(); }
};

}  // namespace gan
