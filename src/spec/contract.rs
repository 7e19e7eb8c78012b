//! Loading `specs/`: every service catalog with its compiled schemas, cross-checked.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::SpecError;
use super::{OperationSpec, SchemaSet, ServiceSpec};

/// One service: its catalog and compiled schemas.
#[derive(Debug)]
pub struct Service {
    /// The catalog.
    pub spec: ServiceSpec,
    /// The compiled shapes.
    pub schemas: SchemaSet,
    /// The catalog file, for messages.
    pub path: PathBuf,
    /// The schema file's `$defs`: every shape, as written (the generator reads the
    /// constraints from here).
    pub shapes: serde_json::Map<String, Value>,
    /// The line of each operation's entry in the catalog file, for pointing at it.
    pub operation_lines: std::collections::BTreeMap<String, u64>,
    /// Each operation's input members with their constraints, read the first time a
    /// command asks for them (the generator, coverage, a case's `covers`, the
    /// emulator's query binding): reading them compiles every member's pattern, a tenth
    /// of a small run's start-up on the thread that loads the contract, and a run of
    /// hand-written cases reads them only for the services it runs (for its coverage
    /// section).
    members: std::sync::OnceLock<std::collections::BTreeMap<String, Vec<super::Member>>>,
}

impl Service {
    /// The service's short name.
    pub fn name(&self) -> &str {
        &self.spec.service
    }

    /// An operation under test by name.
    pub fn operation(&self, name: &str) -> Option<&OperationSpec> {
        self.spec.operations.get(name)
    }

    /// An operation the target may be called with: one under test or a helper.
    pub fn callable(&self, name: &str) -> Option<&OperationSpec> {
        self.spec
            .operations
            .get(name)
            .or_else(|| self.spec.helpers.get(name))
    }

    /// Every operation the target may be called with: those under test, then helpers.
    pub fn callables(&self) -> impl Iterator<Item = (&String, &OperationSpec)> {
        self.spec.operations.iter().chain(self.spec.helpers.iter())
    }

    /// The input members of an operation (none for an unknown one).
    pub(crate) fn input_members(&self, operation: &str) -> &[super::Member] {
        let members = self.members.get_or_init(|| {
            let as_text = self.spec.protocol.members_as_text();
            self.callables()
                .map(|(name, op)| {
                    let read = super::members::read_members(&self.shapes, op, as_text);
                    (name.clone(), read)
                })
                .collect()
        });
        members.get(operation).map_or(&[], Vec::as_slice)
    }
}

/// The whole contract: every service under `specs/`.
#[derive(Debug)]
pub struct Contract {
    /// Services with operations under test, sorted by name.
    pub services: Vec<Service>,
    /// Services the suite only calls to learn about a target (STS): every operation a
    /// helper. The emulator serves them; nothing tests, counts or covers them.
    pub helper_services: Vec<Service>,
}

/// How much of a specs folder is checked as it loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecChecks {
    /// Everything, now: schemas compiled, examples validated (a user's specs, and
    /// `validate`).
    Full,
    /// The built-in specs, which the test suite checked when this binary was built:
    /// schemas compile when first used and the examples are not validated again, so a
    /// command that validates nothing does not pay for it at start-up.
    Builtin,
}

impl Contract {
    /// Loads every `specs/<service>/service.yaml` and its schema file, checking
    /// everything.
    pub fn load(dir: &Path) -> Result<Contract, SpecError> {
        Contract::load_with(dir, SpecChecks::Full)
    }

    /// Loads every `specs/<service>/service.yaml` and its schema file, checking as
    /// `checks` says.
    pub fn load_with(dir: &Path, checks: SpecChecks) -> Result<Contract, SpecError> {
        let entries = std::fs::read_dir(dir).map_err(|e| SpecError::new(dir, e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path().join("service.yaml"))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(SpecError::new(
                dir,
                "failed to find any <service>/service.yaml",
            ));
        }
        let loaded = paths
            .iter()
            .map(|p| load_service(p, checks))
            .collect::<Result<Vec<_>, _>>()?;
        let (services, helper_services) = loaded
            .into_iter()
            .partition(|s: &Service| !s.spec.operations.is_empty());
        Ok(Contract {
            services,
            helper_services,
        })
    }

    /// Members whose values change from run to run without meaning a change: every
    /// service's `identifiers`, page tokens and sensitive members.
    pub fn volatile_members(&self) -> std::collections::BTreeSet<String> {
        let mut members = std::collections::BTreeSet::new();
        for service in &self.services {
            members.extend(service.spec.identifiers.iter().cloned());
            for op in service.spec.operations.values() {
                if let Some(p) = &op.paginator {
                    members.insert(p.input_token.clone());
                    members.insert(p.output_token.clone());
                }
            }
        }
        members.extend(self.sensitive_members());
        members
    }

    /// The names of every operation's sensitive members (the last segment of each
    /// `sensitive` pointer): masked wherever they appear.
    pub fn sensitive_members(&self) -> std::collections::BTreeSet<String> {
        self.services
            .iter()
            .flat_map(|s| s.spec.operations.values())
            .flat_map(|op| op.sensitive.iter())
            .filter_map(|p| p.rsplit('/').next().map(str::to_string))
            .collect()
    }

    /// A service under test by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name() == name)
    }

    /// Any service by name, a helper service (STS) included.
    pub fn any_service(&self, name: &str) -> Option<&Service> {
        self.all_services().find(|s| s.name() == name)
    }

    /// Every service: those under test, then the helper services.
    pub fn all_services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter().chain(self.helper_services.iter())
    }
}

/// Reads a data file of the specs, naming the line and column of a problem.
fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, String), SpecError> {
    let text = crate::yaml::read_capped(path, crate::yaml::MAX_INPUT)
        .map_err(|e| SpecError::new(path, e))?;
    let value = serde_saphyr::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        SpecError::new(format!("{}{at}", path.display()), e.without_snippet())
    })?;
    Ok((value, text))
}

/// A service: its imported `model.yaml` joined with its `service.yaml` overlay.
fn load_service(path: &Path, checks: SpecChecks) -> Result<Service, SpecError> {
    let model_path = path.with_file_name("model.yaml");
    let (model, _) = read_yaml::<super::ModelSpec>(&model_path)?;
    let (overlay, text) = read_yaml::<super::OverlaySpec>(path)?;
    let spec = super::merge(model, overlay).map_err(|e| SpecError::new(path, e))?;
    let schema_path = path.with_file_name(&spec.schemas);
    let schema_text = crate::yaml::read_capped(&schema_path, crate::yaml::MAX_INPUT)
        .map_err(|e| SpecError::new(&schema_path, e))?;
    let document: Value =
        serde_json::from_str(&schema_text).map_err(|e| SpecError::new(&schema_path, e))?;
    let schemas = match checks {
        SpecChecks::Full => SchemaSet::compile(&document),
        SpecChecks::Builtin => SchemaSet::deferred(&document),
    }
    .map_err(|e| SpecError::new(&schema_path, e))?;
    check_consistency(&spec, &schemas).map_err(|e| SpecError::new(path, e))?;
    let examples = path.with_file_name("examples.yaml");
    if checks == SpecChecks::Full && examples.exists() {
        super::examples::check(&examples, &schemas).map_err(|e| SpecError::new(&examples, e))?;
    }
    let shapes = document
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let operation_lines = spec
        .operations
        .keys()
        .filter_map(|name| {
            let needle = format!("  {name}:");
            let i = text.lines().position(|l| l.starts_with(&needle))?;
            Some((name.clone(), i as u64 + 1))
        })
        .collect();
    Ok(Service {
        spec,
        schemas,
        path: path.to_path_buf(),
        shapes,
        operation_lines,
        members: std::sync::OnceLock::new(),
    })
}

/// Every name the catalog uses must exist: shapes, errors, undo operations.
/// The variables of a generation base must exist when the generated cases run: they
/// capture nothing, so an unknown name (a typo such as `${uuidd}`) is an error now,
/// not a harness error in the middle of a run.
fn check_generate_base(
    name: &str,
    base: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), String> {
    let at = format!("operations.{name}.generate.base");
    let refs = crate::template::refs(&serde_json::Value::Object(base.clone()))
        .map_err(|e| format!("{at}: {e}"))?;
    for r in refs {
        if let crate::template::VarRef::Captured(var) = r {
            return Err(format!(
                "{at}: `${{{var}}}` is not a variable of a generated case (they capture nothing; \
                 use run_id, case_uid, uuid, hex:N, alnum:N, now, now±OFFSET or profile.NAME)"
            ));
        }
    }
    Ok(())
}

/// `creates`: its undo is an operation, and its `find` lists through a paginated one
/// by exactly one of a name and an id.
fn check_creates(spec: &ServiceSpec, name: &str, creates: &super::Creates) -> Result<(), String> {
    if !spec.operations.contains_key(&creates.undo) {
        return Err(format!(
            "operations.{name}.creates.undo: `{}` is not an operation",
            creates.undo
        ));
    }
    let Some(find) = &creates.find else {
        return Ok(());
    };
    let listed = spec.operations.get(&find.list);
    if listed.and_then(|l| l.paginator.as_ref()).is_none() {
        return Err(format!(
            "operations.{name}.creates.find.list: `{}` is not a paginated operation",
            find.list
        ));
    }
    if find.match_member.is_some() == find.id.is_some() {
        return Err(format!(
            "operations.{name}.creates.find: give exactly one of `match` (a name holding the run id) and `id` (what the listing shows after the create and not before)"
        ));
    }
    Ok(())
}

fn check_consistency(spec: &ServiceSpec, schemas: &SchemaSet) -> Result<(), String> {
    for name in spec.errors.keys() {
        if !schemas.has(name) {
            return Err(format!("error `{name}` has no shape in {}", spec.schemas));
        }
    }
    let protocol_error = spec
        .protocol
        .unmodelled_errors()
        .contains(&spec.validation_error.as_str());
    if !spec.errors.contains_key(&spec.validation_error) && !protocol_error {
        return Err(format!(
            "validation_error `{}` is not a modelled error (nor one {} sends unmodelled)",
            spec.validation_error,
            spec.protocol.name()
        ));
    }
    for (name, op) in &spec.helpers {
        for shape in [&op.input, &op.output] {
            if !schemas.has(shape) {
                return Err(format!(
                    "helpers.{name}: shape `{shape}` is not in {}",
                    spec.schemas
                ));
            }
        }
    }
    for (name, op) in &spec.operations {
        for shape in [&op.input, &op.output] {
            if !schemas.has(shape) {
                return Err(format!(
                    "operations.{name}: shape `{shape}` is not in {}",
                    spec.schemas
                ));
            }
        }
        if let Some(error) = op.errors.iter().find(|e| !spec.errors.contains_key(*e)) {
            return Err(format!(
                "operations.{name}.errors: `{error}` is not in `errors`"
            ));
        }
        let gen = &op.generate;
        check_generate_base(name, &gen.base)?;
        for error in gen.expect.iter().chain(gen.valid.values()) {
            if !op.errors.contains(error) {
                return Err(format!(
                    "operations.{name}.generate: `{error}` is not an error of {name}"
                ));
            }
        }
        if let Some(creates) = &op.creates {
            check_creates(spec, name, creates)?;
        }
        check_path_template(name, &op.http.path)?;
        let creates = op.creates.iter();
        let pointers = op
            .sensitive
            .iter()
            .map(|p| ("sensitive", p))
            .chain(
                creates
                    .clone()
                    .flat_map(|c| c.input.values().map(|p| ("creates.input", p))),
            )
            .chain(
                creates
                    .clone()
                    .filter_map(|c| c.find.as_ref())
                    .flat_map(|f| f.input.values().map(|p| ("creates.find.input", p))),
            )
            .chain(creates.filter_map(|c| c.find.as_ref()).flat_map(|f| {
                f.list_input
                    .values()
                    .map(|p| ("creates.find.list_input", p))
            }));
        for (field, pointer) in pointers {
            crate::path::check_pointer(pointer)
                .map_err(|e| format!("operations.{name}.{field}: {e}"))?;
        }
    }
    Ok(())
}

/// A path template's braces must pair up, each label naming something.
fn check_path_template(name: &str, path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("operations.{name}.http.path `{path}`: {why}"));
    if !path.starts_with('/') {
        return bad("must start with /");
    }
    let mut open = false;
    let mut label = 0;
    for c in path.chars() {
        match (c, open) {
            ('{', false) => (open, label) = (true, 0),
            ('}', true) if label == 0 => return bad("has an empty label `{}`"),
            ('}', true) => open = false,
            ('{', true) => return bad("has a `{` inside a label"),
            ('}', false) => return bad("has a `}` without its `{`"),
            ('/', true) => return bad("has a label without its closing `}`"),
            (_, true) => label += 1,
            _ => {}
        }
    }
    if open {
        return bad("has a label without its closing `}`");
    }
    Ok(())
}
