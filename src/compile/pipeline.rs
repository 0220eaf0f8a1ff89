//! The whole pipeline in one call: source bytes in, compiled documents and diagnostics out.
//!
//! In: named byte buffers (the CLI reads them; tests make them in memory) and options. Out: the
//! [`Sources`] table (for rendering diagnostics), every diagnostic sorted by position, and the
//! compiled project when there were no errors. [`compile`] is [`parse_inputs`] then
//! [`compile_parsed`]: a caller that compiles the same sources for several environments
//! (`check`, `build`, `diff`) parses them once ([`Parsed::runs`]), and `diff` lets a project's
//! new version take the old one's trees of unchanged files. [`compile_parsed`] is in turn
//! [`lower_parsed`] then [`Lowered::checked`], so that `diff` checks the new version knowing
//! the old one, and skips the documents they share.

use crate::checks::statement::CleanSeen;
use crate::compile::checks::CleanDocuments;
use crate::compile::lower::{RoleSites, Sharing};
use crate::compile::output::{Compiled, Document, DocumentKind, RoleInfo};
use crate::compile::resolve;
use crate::compile::{limits, lower};
use crate::diagnostics::{self, Diagnostic};
use crate::iam::policy::PolicyDocument;
use crate::source::{FileId, Sources};
use crate::syntax::{ast, parse};
use std::sync::Arc;

/// One source file handed to the compiler.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name diagnostics show, usually the path as the user wrote it.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The `env` block to build for, when the sources declare environments.
    pub environment: Option<String>,
    /// Skip the checks that can only warn (W codes: resource types, condition keys, the lints
    /// but the size quotas), for a caller that shows errors only (`diff`). Every error is still
    /// found, so whether the project compiles does not change.
    pub errors_only: bool,
    /// Called once the roles are lowered (their syntax trees and IR dropped): a program whose
    /// allocator keeps freed memory (mimalloc, in `iamx`) returns it to the system there, so
    /// what comes next does not stack on what went before.
    pub release_memory: Option<fn()>,
    /// The caller reads no role's trust or inline statements once compiled (`check`, and
    /// `verify` without an account): each role's documents are measured, linted and, with
    /// [`RoleProofs`], proved in the job that lowers the role, and then their statements are
    /// dropped ([`Document::dropped_size`]), so that the project's documents are never all
    /// held at once. Kept whole: the documents `limits` divides (with those of every role
    /// when a policy they may attach is divided), and the inline policies a later proof reads
    /// ([`RoleProof::inline_read_later`]: those of the roles a delegation is given to).
    pub stream_roles: bool,
}

pub struct Compilation {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// Present when no diagnostic is an error.
    pub compiled: Option<Compiled>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Work a caller runs on each compiled document right after its lints, in the same job, while
/// the document is in the cache ([`Lowered::checked_then`]; `verify::role_proofs`): made from
/// the compiled project, it gives a result for some documents.
pub type AfterLints<R> =
    dyn for<'c> Fn(&'c Compiled) -> Box<dyn Fn(usize) -> Option<R> + Sync + 'c> + Sync;

/// The containment proof of a bounded role, for [`Options::stream_roles`]: made from what was
/// lowered before the roles ([`lower::AfterRole`]), it proves a role given its inline policy
/// (`verify::role_prover`), and says whether a later proof reads that policy.
pub type RoleProofs<P> = dyn for<'c> Fn(&'c Compiled) -> RoleProver<'c, P> + Sync;

/// What [`RoleProofs`] makes: the proof of a role, given its trust and inline policies.
pub type RoleProver<'c, P> =
    Box<dyn Fn(&RoleInfo, &Document, Option<&Document>) -> RoleProof<P> + Sync + 'c>;

/// What a [`RoleProver`] gives for a role.
pub struct RoleProof<P> {
    /// The role's proof; `None` for a role without a boundary.
    pub report: Option<P>,
    /// Whether a proof made after the roles are lowered reads the role's inline policy (a
    /// delegation's, of the roles it is given to): the policy is then kept whole.
    pub inline_read_later: bool,
    /// Whether a proof made after the roles are lowered reads the role's trust policy (a
    /// delegation's, when the trust lets in principals of the account): it is then kept whole.
    pub trust_read_later: bool,
}

pub fn compile(inputs: Vec<Input>, options: &Options) -> Compilation {
    compile_parsed(parse_inputs(inputs, None, 1), options)
}

/// Sources read and parsed: the first half of [`compile`], for a caller that compiles the same
/// sources more than once (`diff`: each environment of a project, and two versions of one).
/// The trees are shared, not copied, between the compilations (see [`resolve::resolve`]).
#[derive(Debug, Clone)]
pub struct Parsed {
    sources: Sources,
    /// The syntax tree of each file that parsed, in the order of `sources`.
    files: Vec<(FileId, Arc<ast::File>)>,
    diagnostics: Vec<Diagnostic>,
    /// Whether the roles' members are left unparsed (`ast::Block::deferred`).
    roles_deferred: bool,
}

impl Parsed {
    /// The trees for `runs` compilations of the sources (one per environment), each sharing
    /// them; the last takes this set, so once the others are done its trees are its own.
    pub fn runs(self, runs: usize) -> impl Iterator<Item = Parsed> {
        let mut left = Some(self);
        (0..runs).map_while(move |at| match at + 1 == runs {
            true => left.take(),
            false => left.clone(),
        })
    }

    /// The tree of the file at `id`, when its text is `text`.
    fn tree(&self, id: FileId, text: &str) -> Option<&Arc<ast::File>> {
        let at = self
            .files
            .binary_search_by_key(&id, |(file, _)| *file)
            .ok()?;
        (self.sources.get(id).text.as_str() == text).then(|| &self.files[at].1)
    }
}

/// Reads and parses `inputs`, for `compilations` compilations. A file whose id and text are
/// those of a file of `earlier` (the same project in another version) takes its tree instead of
/// being parsed again: a file's tree is a function of its text, and its spans of its id.
///
/// For one compilation with no `earlier`, each role's members are left to the job that
/// resolves and lowers the role (`parse::parse_deferring_roles`): its tree is then made and
/// dropped there, while in the cache, instead of the project's trees being built whole first.
/// Trees that several compilations read are parsed whole, once.
pub fn parse_inputs(inputs: Vec<Input>, earlier: Option<&Parsed>, compilations: usize) -> Parsed {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut readable = Vec::new();
    for input in inputs {
        match diagnostics::add_source(&mut sources, input.name, input.bytes) {
            (id, None) => readable.push(id),
            (_, Some(not_text)) => diagnostics.push(not_text),
        }
    }
    let defer = compilations == 1 && earlier.is_none();
    let (mut files, mut parse_errors) = parse_files(&sources, &readable, earlier, defer);
    let roles_deferred = defer && diagnostics.is_empty() && parse_errors.is_empty();
    if defer && !roles_deferred {
        // The compilation stops here, with every syntax error: the roles' too.
        (files, parse_errors) = parse_files(&sources, &readable, earlier, false);
    }
    diagnostics.extend(parse_errors);
    Parsed {
        sources,
        files,
        diagnostics,
        roles_deferred,
    }
}

/// The trees of the files `ids` of `sources`, and the diagnostics of those that do not parse.
fn parse_files(
    sources: &Sources,
    ids: &[FileId],
    earlier: Option<&Parsed>,
    defer_roles: bool,
) -> (Vec<(FileId, Arc<ast::File>)>, Vec<Diagnostic>) {
    let parsed_files = crate::parallel::map(ids, |&id| {
        let text = &sources.get(id).text;
        match earlier.and_then(|earlier| earlier.tree(id, text)) {
            Some(tree) => (id, Ok(Arc::clone(tree))),
            None if defer_roles => (id, parse::parse_deferring_roles(id, text).map(Arc::new)),
            None => (id, parse::parse(id, text).map(Arc::new)),
        }
    });
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for (id, parsed) in parsed_files {
        match parsed {
            Ok(ast) => files.push((id, ast)),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (files, diagnostics)
}

/// The second half of [`compile`]: resolve, lower, check.
pub fn compile_parsed(parsed: Parsed, options: &Options) -> Compilation {
    lower_parsed(parsed, options).checked(options, None)
}

/// A version resolved and lowered, its documents not yet checked against IAM's limits and the
/// document checks: [`compile_parsed`] in two steps, for `diff`, which checks a later version
/// knowing the earlier one ([`Lowered::checked`]).
pub struct Lowered<P = ()> {
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    /// The documents, when the sources resolved.
    output: Option<Compiled>,
    /// With [`Options::stream_roles`]: the lints of the documents whose statements were
    /// dropped, reported with the other documents' lints, and the roles proved, by index.
    streamed_lints: Vec<Diagnostic>,
    proved: Vec<(usize, P)>,
    /// Where each role's documents are in `output`, when offered ([`lower_parsed_sharing`]).
    sites: Option<RoleSites>,
    /// How many roles were taken from an earlier version.
    taken: usize,
}

impl<P> Lowered<P> {
    /// What a later version's lowering may take from this one ([`lower_parsed_sharing`]): its
    /// roles, when it was asked to offer them and has no error.
    pub fn offered(&self) -> Sharing<'_> {
        match (&self.sites, &self.output) {
            (Some(sites), Some(output)) if !self.diagnostics.iter().any(Diagnostic::is_error) => {
                Sharing::Take(sites, output)
            }
            _ => Sharing::None,
        }
    }

    /// How many roles this lowering took from an earlier version's instead of lowering them.
    pub fn roles_taken(&self) -> usize {
        self.taken
    }
}

/// Resolves and lowers `parsed`, with the catalog checks of every statement.
pub fn lower_parsed(parsed: Parsed, options: &Options) -> Lowered {
    lower_parsed_sharing(parsed, options, Sharing::None)
}

/// [`lower_parsed`] for `diff`, sharing roles between two versions (`compile::lower::shared`):
/// with [`Sharing::Offer`], the result keeps where each role's documents are, for
/// [`Lowered::offered`] to give a later version; with [`Sharing::Take`], each role whose text
/// and surroundings are the earlier version's is taken from it, not lowered again. Taking
/// needs [`Options::errors_only`] (a taken role reports nothing) and the same environment;
/// otherwise every role is lowered.
pub fn lower_parsed_sharing(parsed: Parsed, options: &Options, sharing: Sharing<'_>) -> Lowered {
    let sharing = match sharing {
        Sharing::Take(..) if !options.errors_only => Sharing::None,
        sharing => sharing,
    };
    lower_parsed_with(parsed, options, None, sharing)
}

/// What a role's documents gave in the job that lowered them ([`Options::stream_roles`]).
struct Streamed<P> {
    lints: Vec<Diagnostic>,
    proof: Option<P>,
}

/// The state of a thread's run of roles: the catalog checks' clean statements, and with
/// [`Options::stream_roles`] the lints' clean policies.
type RoleState = (CleanSeen, CleanDocuments<PolicyDocument>);

/// [`lower_parsed`], with each bounded role proved by `proofs` in the job that lowers it when
/// the options stream the roles.
pub fn lower_parsed_proving<P: Send>(
    parsed: Parsed,
    options: &Options,
    proofs: Option<&RoleProofs<P>>,
) -> Lowered<P> {
    lower_parsed_with(parsed, options, proofs, Sharing::None)
}

/// [`lower_parsed_proving`] and [`lower_parsed_sharing`] in one: the roles proved as they are
/// lowered, and shared with another version's lowering.
fn lower_parsed_with<P: Send>(
    parsed: Parsed,
    options: &Options,
    proofs: Option<&RoleProofs<P>>,
    sharing: Sharing<'_>,
) -> Lowered<P> {
    let Parsed {
        mut sources,
        files,
        mut diagnostics,
        roles_deferred,
    } = parsed;
    // Should a role's members not parse, the files are parsed whole and compiled again: the
    // syntax errors then stop the compilation as they would have before resolving.
    let inputs = sources.len();
    let file_ids: Vec<FileId> = match roles_deferred {
        true => files.iter().map(|(id, _)| *id).collect(),
        false => Vec::new(),
    };
    let parse_whole = |mut sources: Sources| {
        sources.truncate(inputs);
        let (files, diagnostics) = parse_files(&sources, &file_ids, None, false);
        Parsed {
            sources,
            files,
            diagnostics,
            roles_deferred: false,
        }
    };
    let mut output = None;
    let mut streamed_lints = Vec::new();
    let mut proved = Vec::new();
    let (mut sites, mut roles_taken) = (None, 0);
    if diagnostics.is_empty() {
        let (taken, held) = resolve::take_trees(files);
        let (resolved, mut resolve_diagnostics) =
            resolve::resolve(taken, &held, options.environment.as_deref(), &mut sources);
        let resolved_whole = !resolve_diagnostics.iter().any(Diagnostic::is_error);
        diagnostics.append(&mut resolve_diagnostics);
        if resolved_whole {
            // Resolving consumes the syntax trees and lowering resolves each role and drops its
            // block and IR once it is lowered: the project is held about once in memory, not two
            // or three times.
            let mut checks =
                crate::compile::checks::catalog_checks(&resolved.project, options.errors_only);
            let errors_only = options.errors_only;
            let role_checks = |state: &mut RoleState, role: &crate::compile::ir::Role| {
                crate::compile::checks::role_catalog_checks(&mut state.0, role, errors_only)
            };
            let stream = StreamRoles {
                sources: &sources,
                errors_only,
                proofs,
            };
            let after_role: Option<&dyn lower::AfterRole<RoleState, Streamed<P>>> =
                options.stream_roles.then_some(&stream);
            let lowered = lower::lower(
                resolved,
                RoleState::default,
                role_checks,
                after_role,
                sharing,
            );
            if lowered.unparsed {
                drop(lowered);
                return lower_parsed_with(parse_whole(sources), options, proofs, sharing);
            }
            let mut roles_resolution = lowered.resolution;
            let roles_resolved = !roles_resolution.iter().any(Diagnostic::is_error);
            diagnostics.append(&mut roles_resolution);
            // As when the rest did not resolve: the lowering and the checks are not reported,
            // since their input is not the project as written.
            if roles_resolved {
                diagnostics.append(&mut checks);
                diagnostics.extend(lowered.diagnostics);
                proved.reserve_exact(lowered.after_role.len());
                for (role, streamed) in lowered.after_role.into_iter().enumerate() {
                    streamed_lints.extend(streamed.lints);
                    proved.extend(streamed.proof.map(|proof| (role, proof)));
                }
                output = Some(lowered.compiled);
                (sites, roles_taken) = (lowered.sites, lowered.taken);
            }
            if let Some(release) = options.release_memory {
                release();
            }
        } else {
            // The roles are resolved for their diagnostics alone.
            let roles = crate::parallel::map(&resolved.roles, |role| resolved.role(role));
            let mut unparsed = false;
            for role in roles {
                match role {
                    Ok((_, found)) => diagnostics.extend(found),
                    Err(resolve::Unparsed) => unparsed = true,
                }
            }
            if unparsed {
                drop(resolved);
                return lower_parsed_with(parse_whole(sources), options, proofs, sharing);
            }
        }
    }
    settings_read_as_resources(&sources, &mut diagnostics);
    Lowered {
        sources,
        diagnostics,
        output,
        streamed_lints,
        proved,
        sites,
        taken: roles_taken,
    }
}

/// The work on each role's documents in the job that lowers it ([`Options::stream_roles`]).
struct StreamRoles<'a, P> {
    sources: &'a Sources,
    errors_only: bool,
    proofs: Option<&'a RoleProofs<P>>,
}

impl<P: Send> lower::AfterRole<RoleState, Streamed<P>> for StreamRoles<'_, P> {
    /// Declines (the roles' documents kept whole) when `limits` will divide one of the policies
    /// lowered before the roles: a role that attaches it is then proved against its parts.
    fn start<'c>(
        &'c self,
        before_roles: &'c Compiled,
    ) -> Option<Box<dyn Fn(&mut RoleState, lower::RoleDocuments<'_>) -> Streamed<P> + Sync + 'c>>
    {
        let divided =
            (before_roles.documents.iter()).any(|d| limits::divides(d.kind, d.policy.quota_size()));
        if divided {
            return None;
        }
        let (sources, errors_only) = (self.sources, self.errors_only);
        let prove = self.proofs.map(|proofs| proofs(before_roles));
        Some(Box::new(move |(_, clean), documents| {
            let lower::RoleDocuments {
                trust,
                inline,
                info,
            } = documents;
            let [trust_checked, inline_checked] = crate::compile::checks::role_lints(
                clean,
                [Some(&*trust), inline.as_deref()],
                sources,
                errors_only,
            );
            // An inline policy `limits` divides is proved and linted as divided, as without
            // streaming.
            let divided = (inline_checked.as_ref()).is_some_and(|(measured, _)| {
                limits::divides(DocumentKind::RoleInline, measured.size)
            });
            let proof = match divided {
                true => None,
                false => prove
                    .as_ref()
                    .map(|prove| prove(info, &*trust, inline.as_deref())),
            };
            let keep_inline = divided || proof.as_ref().is_some_and(|p| p.inline_read_later);
            let keep_trust = divided || proof.as_ref().is_some_and(|p| p.trust_read_later);
            let mut lints = Vec::new();
            if let Some((measured, mut found)) = trust_checked {
                if !keep_trust {
                    crate::compile::checks::drop_statements(clean, trust, measured);
                }
                lints.append(&mut found);
            }
            if let (Some(inline), Some((measured, mut found)), false) =
                (inline, inline_checked, keep_inline)
            {
                crate::compile::checks::drop_statements(clean, inline, measured);
                lints.append(&mut found);
            }
            let proof = proof.and_then(|proof| proof.report);
            Streamed { lints, proof }
        }))
    }
}

/// An `on` with nothing after it on its line, followed by a line with a setting
/// (`instance_profile`), parses: the setting's word is read as the statement's resource, a
/// constant that does not exist. The author left the resources out; E0102 at the setting
/// would send them looking for a constant, so the error says what the parser would have.
fn settings_read_as_resources(sources: &Sources, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        let (crate::diagnostics::Code::UnknownConstant, Some(label)) =
            (diagnostic.code, &diagnostic.primary)
        else {
            continue;
        };
        let span = label.span;
        let text = &sources.get(span.file).text;
        if let Some(on) = crate::syntax::parse::on_before_setting(text, span.end as usize) {
            let on = crate::source::Span::new(span.file, on.start, on.end);
            *diagnostic = crate::syntax::parse::resource_missing(on);
        }
    }
}

impl<P: Send> Lowered<P> {
    /// Applies IAM's limits and checks the documents: the end of [`compile_parsed`].
    ///
    /// `earlier`: another version of the project that compiled, with the same `options`. With
    /// [`Options::errors_only`], a document equal to one of its documents (same kind, name,
    /// `aws_managed` and policy) is not checked again: the document checks and the size quota
    /// find errors in a document's kind and policy alone, and the earlier one had none. Only
    /// errors are skipped that way; so `earlier` is ignored when warnings are asked for.
    pub fn checked(self, options: &Options, earlier: Option<&Compiled>) -> Compilation {
        self.checked_then(options, earlier, None).0
    }

    /// [`Lowered::checked`], with `then` run on each document right after its lints, in the
    /// same job. It sees the documents as lowered; `limits` may split some afterwards (rare), so
    /// its results are given only when the documents it saw are the ones compiled: nothing was
    /// split and nothing is an error. Otherwise the caller gets none and works on
    /// [`Compilation::compiled`] as usual.
    ///
    /// The results come with the roles proved as they were lowered ([`lower_parsed_proving`]),
    /// each with its role's index.
    pub fn checked_then(
        self,
        options: &Options,
        earlier: Option<&Compiled>,
        then: Option<&AfterLints<(usize, P)>>,
    ) -> (Compilation, Vec<(usize, P)>) {
        let measured = self.measured(options, earlier, then);
        self.checked_measured(options, earlier, measured)
    }

    /// The part of [`Lowered::checked_then`] that reads the documents as lowered: each one
    /// measured and linted in one job. It takes the lowering by reference, so that other work
    /// that reads it can run beside it (`diff` lowers the new version from the old one's roles
    /// meanwhile); [`Lowered::checked_measured`], with the same `options` and `earlier`, ends it.
    pub fn measured(
        &self,
        options: &Options,
        earlier: Option<&Compiled>,
        then: Option<&AfterLints<(usize, P)>>,
    ) -> Measured<P> {
        let output = match &self.output {
            // Lint only faithful documents: after an error, parts of statements are missing.
            Some(output) if !self.diagnostics.iter().any(Diagnostic::is_error) => output,
            _ => return Measured(None),
        };
        // Where each document is in `earlier`, if it has it; their sizes are known.
        let known = known_in(output, earlier, options);
        let known_sizes: Vec<Option<usize>> = (known.iter())
            .map(|at| at.and_then(|at| earlier?.quota_sizes.get(at).copied()))
            .collect();
        let skip: Vec<bool> = known.iter().map(Option::is_some).collect();
        let then = then.map(|then| then(output));
        Measured(Some(crate::compile::checks::measured_lints(
            output,
            &known_sizes,
            &skip,
            &self.sources,
            options.errors_only,
            then.as_deref(),
        )))
    }

    /// The end of [`Lowered::checked_then`], given what [`Lowered::measured`] found.
    pub fn checked_measured(
        self,
        options: &Options,
        earlier: Option<&Compiled>,
        measured: Measured<P>,
    ) -> (Compilation, Vec<(usize, P)>) {
        let mut results = Vec::new();
        let Lowered {
            sources,
            mut diagnostics,
            output,
            streamed_lints,
            proved,
            ..
        } = self;
        let mut compiled = None;
        if let Some(mut output) = output {
            // The lints see what is deployed: what is over a size quota split first. Each
            // document was measured and linted as lowering made it (`measured`); `limits` then
            // splits what is over a quota (rare), and only then are the lints run again, on the
            // documents as split.
            if let Measured(Some((sizes, mut lints, after))) = measured {
                debug_assert_eq!(sizes.len(), output.documents.len(), "measured elsewhere");
                results = after;
                diagnostics.append(&mut crate::compile::limits::apply(
                    &mut output,
                    &sources,
                    sizes,
                ));
                if !diagnostics.iter().any(Diagnostic::is_error) {
                    // Splitting renumbers the documents. The roles proved as they were lowered
                    // keep their proofs: what they read was not split (see `StreamRoles::start`).
                    if !output.splits.is_empty() {
                        results.clear();
                        let skip: Vec<bool> = (known_in(&output, earlier, options).iter())
                            .map(Option::is_some)
                            .collect();
                        let sizes: Vec<Option<usize>> =
                            output.quota_sizes.iter().copied().map(Some).collect();
                        (_, lints, _) = crate::compile::checks::measured_lints::<()>(
                            &output,
                            &sizes,
                            &skip,
                            &sources,
                            options.errors_only,
                            None,
                        );
                    }
                    diagnostics.append(&mut lints);
                    diagnostics.extend(streamed_lints);
                }
            }
            results.extend(proved);
            compiled = Some(output);
        }
        diagnostics::sort(&mut diagnostics);
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        if has_errors {
            results.clear();
        }
        let compilation = Compilation {
            sources,
            diagnostics,
            compiled: if has_errors { None } else { compiled },
        };
        (compilation, results)
    }
}

/// What [`Lowered::measured`] found; nothing when the lowering had an error.
pub struct Measured<P>(Option<Measurements<P>>);

/// Each document's size, the lints, and what `then` gave, as `checks::measured_lints` gives them.
type Measurements<P> = (Vec<usize>, Vec<Diagnostic>, Vec<(usize, P)>);

/// [`known_documents`] when there is an `earlier` version and only errors are asked for (see
/// [`Lowered::checked`]); else none is known.
fn known_in(
    output: &Compiled,
    earlier: Option<&Compiled>,
    options: &Options,
) -> Vec<Option<usize>> {
    match earlier.filter(|_| options.errors_only) {
        Some(earlier) => known_documents(output, earlier),
        None => vec![None; output.documents.len()],
    }
}

/// Per document of `output`, in order: where `earlier` has it, with the same kind, name,
/// `aws_managed` flag and policy (see [`Lowered::checked`]).
fn known_documents(output: &Compiled, earlier: &Compiled) -> Vec<Option<usize>> {
    let by_name: foldhash::HashMap<(DocumentKind, &str), usize> = (earlier.documents.iter())
        .enumerate()
        .map(|(at, d)| ((d.kind, d.name.as_str()), at))
        .collect();
    crate::parallel::map(&output.documents, |document| {
        let at = *by_name.get(&(document.kind, document.name.as_str()))?;
        let twin = &earlier.documents[at];
        (twin.aws_managed == document.aws_managed && twin.policy == document.policy).then_some(at)
    })
}

/// Whether `text` may hold an `env` block: the word `env` where a top-level item can start —
/// after the start, white space, a block comment, or the end of a value or block (`"`, `]`, `)`,
/// `}`) — and followed by white space or a comment. `aws:ResourceTag/env == ...` is not one.
fn mentions_env(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"env").any(|at| {
        let before = &text[..at];
        let starts_item = before.is_empty()
            || before.ends_with("*/")
            || before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace() || c == '\u{FEFF}' || "\"])}".contains(c));
        let after = text[at + 3..].chars().next();
        starts_item && after.is_some_and(|c| c.is_whitespace() || c == '\u{FEFF}' || c == '/')
    })
}

/// The environments (`env NAME { ... }`) the sources declare, in order; files that do not parse
/// are skipped (compiling them reports why).
pub fn declared_environments(inputs: &[Input]) -> Vec<String> {
    let mut names = Vec::new();
    for input in inputs {
        let Ok(text) = std::str::from_utf8(&input.bytes) else {
            continue;
        };
        // An `env` block needs the keyword `env` (the grammar's `kw_env`: no identifier
        // character on either side); most files have none, and a full parse of each just to
        // find out doubled the cost of `check`.
        if !mentions_env(text) {
            continue;
        }
        let Ok(file) = parse::parse(crate::source::FileId(0), text) else {
            continue;
        };
        for item in file.items {
            if let crate::syntax::ast::Item::Env(env) = item {
                if !names.iter().any(|name| *name == env.name.node) {
                    names.push(env.name.node.as_str().to_owned());
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::mentions_env;

    #[test]
    fn only_the_keyword_env_counts() {
        assert!(mentions_env("env dev {"));
        assert!(mentions_env("account \"1\"\nenv\tprod { }"));
        assert!(mentions_env("env/* a comment */dev {}"));
        assert!(mentions_env("account \"1\" env dev {}"));
        for text in [
            "environment = 1",
            "tag dev_env = \"x\"",
            "my-env {",
            "envy x",
            "when aws:ResourceTag/env == \"prod\"",
        ] {
            assert!(!mentions_env(text), "{text}");
        }
    }

    /// A later version takes the tree of a file with the same id and text; every file's tree
    /// is the one parsing it gives, and a changed file's errors are its own.
    #[test]
    fn a_later_version_takes_the_trees_of_unchanged_files() {
        use super::{parse, parse_inputs, Arc, FileId, Input};
        let input = |name: &str, text: &str| Input {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let a = "account \"123456789012\"\nlet bucket = \"b\"\n";
        let b = "role r {\n  trust service ec2.amazonaws.com\n}\n";
        let old = parse_inputs(vec![input("a.iamx", a), input("b.iamx", b)], None, 2);
        let fresh = |id: u32, text: &str| Arc::new(parse::parse(FileId(id), text).unwrap());
        let broken = "role r {\n  trust service\n";
        let new = parse_inputs(
            vec![input("a.iamx", a), input("b.iamx", broken)],
            Some(&old),
            2,
        );
        assert_eq!(new.files.len(), 1);
        assert_eq!(new.files[0], (FileId(0), fresh(0, a)));
        assert!(
            Arc::ptr_eq(&new.files[0].1, &old.files[0].1),
            "shared, not copied"
        );
        assert_eq!(new.diagnostics.len(), 1, "{:?}", new.diagnostics);
        // The same text at another id is parsed there: spans name their file.
        let moved = parse_inputs(vec![input("b.iamx", b), input("a.iamx", a)], Some(&old), 2);
        assert_eq!(
            moved.files,
            [(FileId(0), fresh(0, b)), (FileId(1), fresh(1, a))]
        );
    }

    /// One set of trees per run, equal to what was parsed; none for no run.
    #[test]
    fn runs_give_each_environment_the_same_trees() {
        use super::{parse_inputs, Input};
        let input = Input {
            name: "main.iamx".into(),
            bytes: b"account \"123456789012\"\n".to_vec(),
        };
        let parsed = parse_inputs(vec![input], None, 3);
        let runs: Vec<_> = parsed.clone().runs(3).collect();
        assert_eq!(runs.len(), 3);
        assert!(runs.iter().all(|run| run.files == parsed.files));
        assert_eq!(parsed.runs(0).count(), 0);
    }
}
