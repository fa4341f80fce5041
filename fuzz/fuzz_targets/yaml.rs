//! Any text through the YAML limits, then, when accepted, through the parser they protect: no
//! panic, and (with `-timeout`) no input that either takes long on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nuage_limits::yaml::{YamlLimits, check};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(shape) = check(text, &YamlLimits::DEFAULT) {
        assert!(shape.max_flow_depth <= 128 && shape.aliases <= 1_000);
        let _: Result<yaml_serde::Value, _> = yaml_serde::from_str(text);
    }
});
