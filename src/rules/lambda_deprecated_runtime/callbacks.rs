//! Whether a Node.js function's handler completes through a callback, which the newest Node.js
//! runtimes no longer run (`async_only` in the runtime table): such a function moves to the
//! newest runtime that still runs it.

use crate::cloud::LambdaFunction;
use crate::packaging::{CallbackHandler, HandlerCompletion};
use crate::rules::RuleContext;

/// How a function's handler completes, as far as infrafix reads its code.
pub(super) enum Completion {
    /// Through a callback: why infrafix knows, as a clause ("`fn`'s handler … takes …").
    Callback(String),
    /// By returning: it runs on an async-only runtime.
    Returns,
    /// infrafix cannot read the handler.
    Unread,
}

pub(super) fn completion(context: &RuleContext, function: &LambdaFunction) -> Completion {
    if function.hands_a_callback {
        return Completion::Callback(format!(
            "{}'s handler is made by its framework, which calls the function it wraps with a callback (`(event, context, callback)`; pulumi-aws#6336)",
            function.name
        ));
    }
    let (Some(packages), Some(code)) = (context.packages, &function.code) else {
        return Completion::Unread;
    };
    match packages.handler_completion(code, function.handler.as_deref()) {
        HandlerCompletion::Callback(CallbackHandler {
            export,
            file,
            how,
            line,
        }) => Completion::Callback(format!(
            "{}'s handler `{export}` ({file}, line {line}) {how}",
            function.name
        )),
        HandlerCompletion::Returns => Completion::Returns,
        HandlerCompletion::Unread => Completion::Unread,
    }
}
