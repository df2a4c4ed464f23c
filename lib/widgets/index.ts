/** Interactive widgets and comms for notebooks (mlsd/widgets), on the Jupyter widget protocol of ipywidgets 6 / jupyter-js-widgets 2.1 (version 1) and of ipywidgets 8 (2.1.0, with echo_update), and anywidget's ES-module widgets. */
export { Comm, commInfo, registerCommTarget, unregisterCommTarget, hasCommTransport, type Buffers, type CommMessage, type TargetHandler } from "./comm.js";
export { Widget, widgets, type Change, type Observer, type State } from "./widget.js";
export {
  ValueWidget,
  IntSlider,
  FloatSlider,
  IntRangeSlider,
  FloatRangeSlider,
  Dropdown,
  ToggleButtons,
  Checkbox,
  Text,
  Button,
  Play,
  IntProgress,
  FloatProgress,
  HTML,
  HBox,
  VBox,
  type SliderOptions,
  type RangeSliderOptions,
  type SelectionOptions,
  type ProgressOptions,
  type Choices,
} from "./controls.js";
export { Output } from "./output.js";
export { interact, widgetFromAbbreviation, type Abbreviation, type Interactive, type Values, type ValueOf } from "./interact.js";
export { widgetFrontend, widgetsLive, widgetProtocol, FRONTEND_VERSION, PROTOCOL_VERSION, type WidgetProtocol } from "./frontend.js";
export { AnyWidget, ANYWIDGET_VERSION, type AnyWidgetOptions } from "./anywidget.js";
export { installAnywidgetNbextension } from "./nbextension.js";
