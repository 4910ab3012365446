//! What a Serverless service's raw CloudFormation writes over a function the framework compiles.
//! The framework deep-merges the service's `resources` into the template it compiles (lodash
//! `_.merge`), so `resources.Resources.HelloLambdaFunction.Properties.Runtime` sets the runtime of
//! `functions.hello`; `resources.extensions.<logical id>.Properties` is then assigned over the
//! result, property by property (`merge-custom-provider-resources.js`). A function's settings
//! are therefore judged, and fixed, where the last of these writes them.

use super::Template;
use crate::frontends::document::Entry;

impl Template<'_> {
    /// The property `key` of the function the framework compiles to `logical_id`, where the
    /// service's raw CloudFormation writes it: the last writer wins, an extension after every
    /// resource of that name.
    pub(super) fn compiled_function_override(&self, logical_id: &str, key: &str) -> Option<&Entry> {
        // In a template of its own, a resource named like a compiled function is that function,
        // not settings written over one.
        let resources: &[Entry] = if self.serverless { &self.resource_section } else { &[] };
        last_written(&self.resource_extensions, logical_id, key).or_else(|| last_written(resources, logical_id, key))
    }
}

/// `Properties.<key>` of the last of `entries` named `logical_id` that writes it.
fn last_written<'t>(entries: &'t [Entry], logical_id: &str, key: &str) -> Option<&'t Entry> {
    entries
        .iter()
        .filter(|entry| entry.key == logical_id)
        .filter_map(|entry| entry.value.get("Properties")?.as_map()?.entry(key))
        .next_back()
}
