//! Module instances: the root module's resources, and those of each local module folder once per
//! chain of `module` calls that reaches it (a folder called twice deploys its resources twice,
//! each with the arguments its call passes).

use super::values::Scope;
use super::{ModuleCall, ResourceBlock, TerraformProject};
use crate::cloud::Multiplicity;

/// How deep module calls are followed; Terraform itself refuses a module that calls itself.
const MAX_DEPTH: usize = 8;

/// A resource as one chain of module calls deploys it.
pub struct ResourceInstance<'p, 'a> {
    pub resource: &'p ResourceBlock<'a>,
    /// The module calls leading to its folder, outermost first; empty in the root module.
    pub calls: Vec<&'p ModuleCall<'a>>,
}

impl<'p, 'a> ResourceInstance<'p, 'a> {
    /// Its address, as `terraform plan` prints it (`module.orders.aws_lambda_function.this`).
    pub fn address(&self) -> String {
        let mut address: String = self.calls.iter().map(|call| format!("module.{}.", call.name)).collect();
        address.push_str(&format!("{}.{}", self.resource.kind, self.resource.name));
        address
    }

    pub fn scope(&self) -> &Scope<'p, 'a> {
        &self.calls
    }
}

impl<'a> TerraformProject<'a> {
    /// Every resource of the project, once per chain of calls reaching its folder: the root's
    /// first, each called folder's after the resources of its caller, in call order.
    pub fn resource_instances(&self) -> Vec<ResourceInstance<'_, 'a>> {
        let mut found = Vec::new();
        self.collect_instances(0, &mut Vec::new(), &mut found);
        found
    }

    fn collect_instances<'p>(
        &'p self,
        folder: usize,
        calls: &mut Vec<&'p ModuleCall<'a>>,
        found: &mut Vec<ResourceInstance<'p, 'a>>,
    ) {
        for resource in &self.folders[folder].resources {
            found.push(ResourceInstance {
                resource,
                calls: calls.clone(),
            });
        }
        for call in &self.folders[folder].calls {
            let cycle = call.folder == 0 || calls.iter().any(|outer| outer.folder == call.folder);
            if cycle || calls.len() >= MAX_DEPTH {
                continue;
            }
            calls.push(call);
            self.collect_instances(call.folder, calls, found);
            calls.pop();
        }
    }

    /// How many copies of a folder's resources a chain of calls deploys: each call's `count` or
    /// `for_each` multiplies.
    pub fn copies(&self, calls: &[&ModuleCall<'a>]) -> Multiplicity {
        let mut copies = Some(1u64);
        for (depth, call) in calls.iter().enumerate() {
            let each = self.instances(call.body, &calls[..depth]).known();
            copies = copies.zip(each).and_then(|(copies, each)| copies.checked_mul(each));
        }
        copies.into()
    }
}
