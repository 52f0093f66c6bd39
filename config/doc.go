// Package config reads Wakegate's TOML configuration: one file
// (/etc/wakegate/wakegate.toml), every key optional with a documented
// default, unknown keys rejected so that a typo is an error rather than a
// silently ignored setting. The commented default file is embedded
// (Example) and printed by `wakegate config`.
package config
