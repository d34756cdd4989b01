export { ConfigError } from './errors.js';
export { findConfigFile } from './find.js';
export { parseIni, iniGet, type IniFile } from './ini.js';
export { loadConfig, configValue, isDefault, type FleetConfig, type Setting, type LoadConfigOptions } from './load.js';
export { formatConfigDump } from './dump.js';
export { SETTINGS, STDOUT_CALLBACK_ALIASES, AGGREGATE_CALLBACKS, type SettingDef, type StdoutCallback } from './settings.js';
