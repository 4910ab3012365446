//! A Lambda registry module call inside a local module called more than once (see `registry`):
//! what the call writes serves every chain of calls reaching it, so a fix changes it only where
//! the role of each chain surely lacks what the change grants. The one edit then gives each
//! instance what it needs, as the call's inputs read in its chain name it: its own dead-letter
//! target, the queues its own mappings name. Where one chain's role may have the grant already,
//! or infrafix cannot tell what it needs, the change would reach it too, and is not made.

use super::modules::ResourceInstance;
use super::TerraformProject;
use crate::cloud::{Answer, DeadLetter, ResourceTarget};

/// What a fix of a registry module call grants the role its module makes.
#[derive(Debug, Clone, Copy)]
pub enum RegistryGrant {
    /// `attach_dead_letter_policy`: sending to the call's `dead_letter_target_arn`.
    DeadLetterSend,
    /// AWSLambdaSQSQueueExecutionRole: polling the queues of the call's `event_source_mapping`.
    QueuePolling,
}

impl<'a> TerraformProject<'a> {
    /// The chain of `chains` (see `registry_role_calls`) whose call a fix granting `grant`
    /// changes: the one chain, or the first of several whose roles each surely lack it (see
    /// `shared_call_refusal`).
    pub(super) fn chain_to_edit<'p>(
        &self,
        mut chains: Vec<ResourceInstance<'p, 'a>>,
        grant: RegistryGrant,
    ) -> Result<ResourceInstance<'p, 'a>, String> {
        match self.shared_call_refusal(&chains, grant) {
            None => Ok(chains.remove(0)),
            Some(refusal) => Err(refusal),
        }
    }

    /// Why a fix granting `grant` may not change a call that several chains of calls reach (see
    /// `registry_role_calls`): a chain whose role may not lack it. `None` for a call one chain
    /// reaches, or one every chain's role surely lacks it in.
    pub(super) fn shared_call_refusal(
        &self,
        chains: &[ResourceInstance<'_, 'a>],
        grant: RegistryGrant,
    ) -> Option<String> {
        if chains.len() < 2 {
            return None;
        }
        let instances = self.resource_instances();
        let named = |chain: &ResourceInstance<'_, 'a>| format!("`{}`", chain.module_path().trim_end_matches('.'));
        let not_lacking: Vec<String> = chains
            .iter()
            .filter(|chain| !self.chain_lacks(chain, grant, &instances))
            .map(named)
            .collect();
        if not_lacking.is_empty() {
            return None;
        }
        let callers: Vec<String> = chains.iter().map(named).collect();
        Some(format!(
            "the module call is in a module called more than once ({}), and what it writes serves every instance, where {} may not need the change (its role may allow it already, or infrafix cannot tell what it needs); change it for the others by hand",
            callers.join(", "),
            not_lacking.join(", ")
        ))
    }

    /// Whether the role the registry module call makes in `chain` surely lacks `grant` for what
    /// the call's inputs, read in that chain, name.
    fn chain_lacks(
        &self,
        chain: &ResourceInstance<'_, 'a>,
        grant: RegistryGrant,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> bool {
        let same = |instance: &ResourceInstance<'_, 'a>| {
            std::ptr::eq(instance.resource, chain.resource)
                && instance.calls.len() == chain.calls.len()
                && instance
                    .calls
                    .iter()
                    .zip(&chain.calls)
                    .all(|(a, b)| std::ptr::eq(*a, *b))
        };
        let Some(id) = instances.iter().position(same) else {
            return false;
        };
        let role = self.registry_iam_role(id, chain);
        let lacks = |action: &str, target: &ResourceTarget| role.grants.allows(action, target) == Answer::NotAllowed;
        match grant {
            RegistryGrant::DeadLetterSend => {
                let DeadLetter::Resource(reference) = self.registry_dead_letter(chain.resource.body, chain.scope())
                else {
                    return false;
                };
                let Some(target) = self.message_target(reference.resource, instances) else {
                    return false;
                };
                let action = match target.target.service {
                    "sqs" => "sqs:SendMessage",
                    _ => "sns:Publish",
                };
                lacks(action, &target.target.named_by(&reference))
            }
            RegistryGrant::QueuePolling => {
                let queues = self.registry_call_queues(chain, instances);
                !queues.is_empty()
                    && queues
                        .iter()
                        .all(|(source, queue)| lacks("sqs:ReceiveMessage", &queue.target.named_by(source)))
            }
        }
    }
}
