//! What an import carries over in another form with the same access: documents whose version
//! means what 2012-10-17 means, Sids `trust` lines have no place for, principals that are
//! the unique IDs of deleted principals. Each is said in a note, and the original the import
//! is checked against is changed the same way (as an empty Sid is dropped from it).
//!
//! In: one policy document read from an input, and how messages name it. Out: the document as
//! the import writes it (and checks it against), or why the entity cannot be carried over.

use super::*;

/// The unique ID IAM shows in a trust policy for a principal since deleted (`AROA...` for a
/// role, `AIDA...` for a user): the rule `iamx check` applies to `AWS` principals.
fn is_unique_id(value: &str) -> bool {
    value.len() >= 16
        && value.starts_with('A')
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl Importer {
    /// `document` as every input's document is read: empty Sids dropped; a document without
    /// `Version` or of `2008-10-17` (IAM reads `${...}` in it as literal text) is written as
    /// 2012-10-17 when it has no `${` at all, since it then means exactly the same.
    pub(super) fn carried(&mut self, document: PolicyDocument, what: &str) -> PolicyDocument {
        let mut document = without_empty_sids(document);
        let old = matches!(document.version.as_deref(), None | Some("2008-10-17"));
        if old && !document.to_canonical_json().contains("${") {
            let was = document
                .version
                .as_deref()
                .map_or("no `Version`".to_string(), |v| format!("`{v}`"));
            document.version = Some(policy::POLICY_VERSION.to_string());
            self.versions.push(format!("{what} ({was})"));
        }
        document
    }

    /// One note for the documents [`Importer::carried`] wrote as 2012-10-17.
    pub(super) fn note_carried_versions(&mut self) {
        if self.versions.is_empty() {
            return;
        }
        self.notes.push(format!(
            "without `${{` in them, these documents mean under 2012-10-17 exactly what they mean under their own version, and are written so: {}",
            self.versions.join(", ")
        ));
        self.versions.clear();
    }

    /// A trust policy as `trust` lines can hold it: Sids dropped (a `trust` line has none, and
    /// a Sid changes no access); unique IDs of deleted principals dropped from `Principal`
    /// (they match no one: a principal created again with the name has another ID), with a
    /// statement left without principals; or why the role's trust cannot be carried over.
    pub(super) fn trust_carried(
        &mut self,
        mut document: PolicyDocument,
        what: &str,
    ) -> Result<PolicyDocument, String> {
        let mut sids = Vec::new();
        let mut deleted = Vec::new();
        let had = document.statements.len();
        let mut kept = Vec::new();
        for (index, mut statement) in std::mem::take(&mut document.statements)
            .into_iter()
            .enumerate()
        {
            let label = statement_label(what, index, &statement);
            if let Some(Principal::Map(map)) = statement.not_principal.as_deref() {
                let ids: Vec<&String> = map.iter().flat_map(|(_, v)| v).collect();
                if let Some(id) = ids.into_iter().find(|v| is_unique_id(v)) {
                    return Err(format!(
                        "{label}: `NotPrincipal` names `{id}`, the unique ID of a deleted principal, which .iamx cannot write (dropping it would change whom the statement exempts)"
                    ));
                }
            }
            let mut emptied = false;
            if let Some(Principal::Map(map)) = statement.principal.as_deref_mut() {
                if let Some((_, services)) = map.iter().find(|(k, _)| k.as_str() == "Service") {
                    if services.iter().any(|s| s == "*") {
                        return Err(format!(
                            "{label}: the `Service` principal `*` names no service, which .iamx cannot write: it writes service principals by name, like `ec2.amazonaws.com`"
                        ));
                    }
                }
                for (key, values) in map.iter_mut() {
                    if key == "AWS" && values.iter().any(|v| is_unique_id(v)) {
                        deleted.extend(values.iter().filter(|v| is_unique_id(v)).cloned());
                        values.retain(|v| !is_unique_id(v));
                    }
                }
                let before = map.len();
                map.retain(|_, values| !values.is_empty());
                emptied = before > 0 && map.is_empty();
            }
            if emptied {
                continue;
            }
            if let Some(sid) = statement.sid.take() {
                sids.push(format!("`{sid}` (statement {})", index + 1));
            }
            kept.push(statement);
        }
        if had > 0 && kept.is_empty() {
            return Err(format!(
                "{what}: every principal it names is the unique ID of a deleted principal ({}), which matches no one: nobody can assume the role, and .iamx cannot write a role without `trust`; give it a trust policy naming principals that exist, or delete it",
                deleted.join(", ")
            ));
        }
        document.statements = kept;
        if !deleted.is_empty() {
            let ids: Vec<String> = deleted.iter().map(|id| format!("`{id}`")).collect();
            let (it, ids_are) = if ids.len() == 1 {
                ("it", format!("{} is the unique ID", ids[0]))
            } else {
                ("they", format!("{} are the unique IDs", ids.join(", ")))
            };
            self.notes.push(format!(
                "{what}: {ids_are} IAM shows for principals since deleted, which match no one (a principal created again with the name has another ID), and no new trust policy may name {it}: dropped, as is a statement left without principals"
            ));
        }
        if !sids.is_empty() {
            let (sid, is) = if sids.len() == 1 {
                ("Sid", "is")
            } else {
                ("Sids", "are")
            };
            self.notes.push(format!(
                "{what}: `trust` lines have no Sid, so the {sid} {} {is} dropped (a Sid names a statement and changes no access)",
                sids.join(", ")
            ));
        }
        Ok(document)
    }
}
