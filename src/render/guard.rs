//! Bounds on every Handlebars template a kit can write: its texts and its page templates.
//!
//! * **Shape**, checked on the source before Handlebars parses it (its parser recurses per
//!   level): blocks nest at most [`MAX_BLOCK_DEPTH`] deep, sub-expressions at most as deep.
//! * **No partials, no decorators**: `{{> name}}` could include another text (or itself, for
//!   ever), `{{#* inline}}` defines new ones; neither is part of the kit format.
//! * **Work**: `{{#each}}` is our own helper with a budget of iterations per render, so nested
//!   loops over `partner.vars` cannot run for hours even when they print nothing.
//! * **Size**: output goes through a writer that stops at a byte limit, so nothing renders
//!   gigabytes.

use std::cell::Cell;
use std::io::Write;

use handlebars::template::TemplateElement;
use handlebars::{
    BlockContext, BlockParams, Context, Handlebars, Helper, HelperDef, HelperResult, JsonValue,
    Output, RenderContext, RenderError, RenderErrorReason, Renderable, Template,
};

/// How deep `{{#if}}`, `{{#each}}` and friends (and `( … )` sub-expressions) may nest.
pub const MAX_BLOCK_DEPTH: usize = 16;

/// A problem with a template's shape, at a line and column of the template (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// What is wrong, in plain words.
    pub message: String,
    /// What would be right.
    pub hint: String,
    /// Line and column in the template text.
    pub at: Option<(usize, usize)>,
}

fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

/// Checks nesting on the source text, before it is parsed.
pub fn check_source(text: &str) -> Result<(), ShapeError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = text[i..].find("{{") {
        let start = i + off;
        let mut j = start + 2;
        while j < bytes.len() && (bytes[j] == b'{' || bytes[j] == b'~') {
            j += 1;
        }
        match bytes.get(j) {
            Some(b'#') => {
                depth += 1;
                if depth > MAX_BLOCK_DEPTH {
                    return Err(ShapeError {
                        message: crate::tr!(
                            "blocks such as {{#if}} are nested more than {max} deep here",
                            "blokken zoals {{#if}} zijn hier meer dan {max} diep genest",
                            max = MAX_BLOCK_DEPTH
                        ),
                        hint: crate::tr!(
                            "simplify the text: partnerkit allows at most {max} levels",
                            "maak de tekst eenvoudiger: partnerkit staat hoogstens {max} niveaus toe",
                            max = MAX_BLOCK_DEPTH
                        ),
                        at: Some(line_col(text, start)),
                    });
                }
            }
            Some(b'/') => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Sub-expressions inside this mustache.
        let end = text[j..].find("}}").map_or(bytes.len(), |e| j + e);
        let mut parens = 0usize;
        for (k, b) in bytes[j..end].iter().enumerate() {
            match b {
                b'(' => {
                    parens += 1;
                    if parens > MAX_BLOCK_DEPTH {
                        return Err(ShapeError {
                            message: crate::tr!(
                                "sub-expressions `( … )` are nested more than {max} deep here",
                                "deeluitdrukkingen `( … )` zijn hier meer dan {max} diep genest",
                                max = MAX_BLOCK_DEPTH
                            ),
                            hint: crate::tr!(
                                "simplify the expression",
                                "maak de uitdrukking eenvoudiger"
                            ),
                            at: Some(line_col(text, j + k)),
                        });
                    }
                }
                b')' => parens = parens.saturating_sub(1),
                _ => {}
            }
        }
        i = end.max(start + 2);
    }
    Ok(())
}

/// Refuses partials and decorators anywhere in a parsed template.
pub fn check_parsed(t: &Template) -> Result<(), ShapeError> {
    for (n, e) in t.elements.iter().enumerate() {
        let at = t.mapping.get(n).map(|m| (m.0, m.1));
        let refuse = |what: &str| {
            ShapeError {
            message: crate::tr!(
                "{what} are not supported in kit texts and templates",
                "{what} worden niet ondersteund in teksten en sjablonen van een kit",
                what = what
            ),
            hint: crate::tr!(
                "write the text out in full; partnerkit's templates cannot include other templates",
                "schrijf de tekst helemaal uit; sjablonen van partnerkit kunnen geen andere sjablonen invoegen"
            ),
            at,
        }
        };
        match e {
            TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                return Err(refuse(&crate::tr!(
                    "partials such as {{> name}}",
                    "partials zoals {{> name}}"
                )))
            }
            TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                return Err(refuse(&crate::tr!(
                    "decorators such as {{#* inline}}",
                    "decorators zoals {{#* inline}}"
                )))
            }
            TemplateElement::HelperBlock(h)
            | TemplateElement::Expression(h)
            | TemplateElement::HtmlExpression(h) => {
                // Sub-expressions are helper calls only: the grammar has no partials there.
                for sub in [&h.template, &h.inverse].into_iter().flatten() {
                    check_parsed(sub)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

thread_local! {
    static BUDGET: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Runs `f` with a budget of `steps` loop iterations for `{{#each}}` on this thread.
pub fn with_budget<R>(steps: u64, f: impl FnOnce() -> R) -> R {
    let before = BUDGET.with(|b| b.replace(steps));
    let r = f();
    BUDGET.with(|b| b.set(before));
    r
}

fn spend() -> Result<(), RenderError> {
    BUDGET.with(|b| {
        let left = b.get();
        if left == 0 {
            return Err(RenderErrorReason::Other(
                crate::tr!(
                    "the template repeats too often ({{#each}} inside {{#each}}); it would take too long to render",
                    "het sjabloon herhaalt te vaak ({{#each}} binnen {{#each}}); het zou te lang duren om te maken"
                ),
            )
            .into());
        }
        b.set(left - 1);
        Ok(())
    })
}

/// `{{#each list}}…{{else}}…{{/each}}` with `@index`, `@key`, `@first`, `@last`, `this` and
/// block parameters (`as |item key|`), as Handlebars' own, but every iteration is paid for from
/// the render's budget.
pub struct BoundedEach;

impl HelperDef for BoundedEach {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("each", 0))?;
        let Some(t) = h.template() else { return Ok(()) };
        let entries: Vec<(JsonValue, &JsonValue, String)> = match value.value() {
            JsonValue::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| (JsonValue::from(i), v, i.to_string()))
                .collect(),
            JsonValue::Object(map) => map
                .iter()
                .map(|(k, v)| (JsonValue::from(k.as_str()), v, k.clone()))
                .collect(),
            _ => Vec::new(),
        };
        if entries.is_empty() {
            if let Some(inverse) = h.inverse() {
                return inverse.render(r, ctx, rc, out);
            }
            if matches!(value.value(), JsonValue::Array(_) | JsonValue::Object(_)) {
                return Ok(());
            }
            return if r.strict_mode() {
                Err(RenderError::strict_error(value.relative_path()))
            } else {
                Ok(())
            };
        }
        let is_object = value.value().is_object();
        let base = value.context_path().cloned();
        let len = entries.len();
        for (i, (key, v, segment)) in entries.into_iter().enumerate() {
            spend()?;
            let mut block = BlockContext::new();
            match &base {
                Some(path) => {
                    let mut p = path.clone();
                    p.push(segment);
                    *block.base_path_mut() = p;
                }
                None => block.set_base_value(v.clone()),
            }
            block.set_local_var("first", JsonValue::from(i == 0));
            block.set_local_var("last", JsonValue::from(i + 1 == len));
            block.set_local_var("index", JsonValue::from(i));
            if is_object {
                block.set_local_var("key", key.clone());
            }
            if let Some(name) = h.block_param() {
                let mut params = BlockParams::new();
                params.add_value(name, v.clone())?;
                block.set_block_params(params);
            } else if let Some((name, key_name)) = h.block_param_pair() {
                let mut params = BlockParams::new();
                params.add_value(name, v.clone())?;
                params.add_value(key_name, key)?;
                block.set_block_params(params);
            }
            rc.push_block(block);
            let r = t.render(r, ctx, rc, out);
            rc.pop_block();
            r?;
        }
        Ok(())
    }
}

/// A writer that refuses to grow past `limit` bytes.
pub struct Limited {
    /// What was written.
    pub buf: Vec<u8>,
    limit: usize,
    /// Set when the limit was hit.
    pub overflowed: bool,
}

impl Limited {
    /// An empty buffer that takes at most `limit` bytes.
    pub fn new(limit: usize) -> Limited {
        Limited {
            buf: Vec::new(),
            limit,
            overflowed: false,
        }
    }
}

impl Write for Limited {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.limit {
            self.overflowed = true;
            return Err(std::io::Error::other("output limit reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`render_bounded`] with data already turned into a Handlebars context (made once, used for
/// every text of a partner: a partner with thousands of `vars` is not converted per text).
pub fn render_bounded_in(
    hb: &Handlebars<'_>,
    name: &str,
    ctx: &Context,
    steps: u64,
    limit: usize,
) -> Result<String, Option<RenderError>> {
    let mut w = Limited::new(limit);
    let r = with_budget(steps, || hb.render_with_context_to_write(name, ctx, &mut w));
    match r {
        Ok(()) => String::from_utf8(w.buf).map_err(|_| None),
        Err(_) if w.overflowed => Err(None),
        Err(e) => Err(Some(e)),
    }
}

/// Renders template `name` with at most `steps` loop iterations and `limit` bytes of output.
/// `Err(None)` means the output grew past the limit.
pub fn render_bounded<T: serde::Serialize>(
    hb: &Handlebars<'_>,
    name: &str,
    data: &T,
    steps: u64,
    limit: usize,
) -> Result<String, Option<RenderError>> {
    let ctx = Context::wraps(data).map_err(Some)?;
    render_bounded_in(hb, name, &ctx, steps, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hb() -> Handlebars<'static> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_helper("each", Box::new(BoundedEach));
        hb
    }

    #[test]
    fn each_behaves_like_handlebars() {
        let mut h = hb();
        let data = serde_json::json!({"list": ["a", "b"], "map": {"x": 1, "y": 2}, "empty": [], "name": "N"});
        let cases = [
            ("{{#each list}}{{@index}}{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}};{{/each}}", "0aF;1bL;"),
            ("{{#each map}}{{@key}}={{this}},{{/each}}", "x=1,y=2,"),
            ("{{#each empty}}x{{else}}none{{/each}}", "none"),
            ("{{#each list as |v|}}{{v}}{{../name}}{{/each}}", "aNbN"),
            ("{{#each map as |v k|}}{{k}}{{v}}{{/each}}", "x1y2"),
            ("{{#each list}}{{#each ../list}}{{this}}{{/each}}|{{/each}}", "ab|ab|"),
        ];
        for (i, (t, want)) in cases.iter().enumerate() {
            let name = format!("t{i}");
            h.register_template_string(&name, t).unwrap();
            assert_eq!(
                render_bounded(&h, &name, &data, 1000, 1000).unwrap(),
                *want,
                "{t}"
            );
        }
    }

    #[test]
    fn nested_loops_run_out_of_budget() {
        let mut h = hb();
        let vars: serde_json::Map<String, JsonValue> = (0..100)
            .map(|i| (format!("v{i}"), JsonValue::from("x")))
            .collect();
        let data = serde_json::json!({ "vars": vars });
        let t = "{{#each vars}}".repeat(8) + &"{{/each}}".repeat(8);
        h.register_template_string("t", t).unwrap();
        let start = std::time::Instant::now();
        assert!(matches!(
            render_bounded(&h, "t", &data, 100_000, 1 << 20),
            Err(Some(_))
        ));
        assert!(start.elapsed().as_secs() < 5);
        h.register_template_string(
            "big",
            "{{#each vars}}{{#each @root.vars}}xxxxxxxxxx{{/each}}{{/each}}",
        )
        .unwrap();
        assert!(matches!(
            render_bounded(&h, "big", &data, u64::MAX, 1000),
            Err(None)
        ));
    }

    #[test]
    fn shapes() {
        assert!(check_source(&("{{#if a}}".repeat(17) + &"{{/if}}".repeat(17))).is_err());
        assert!(check_source(&("{{#if a}}".repeat(16) + &"{{/if}}".repeat(16))).is_ok());
        assert!(
            check_source(&format!("{{{{x {}{}}}}}", "(y ".repeat(20), ")".repeat(20))).is_err()
        );
        let mut h = hb();
        for t in [
            "{{> other}}",
            "{{#> layout}}x{{/layout}}",
            "{{#*inline \"p\"}}x{{/inline}}",
            "{{#if a}}{{> x}}{{/if}}",
        ] {
            h.register_template_string("t", t).unwrap();
            assert!(check_parsed(h.get_template("t").unwrap()).is_err(), "{t}");
        }
        h.register_template_string("ok", "{{#if a}}{{b}}{{else}}{{c}}{{/if}}")
            .unwrap();
        assert!(check_parsed(h.get_template("ok").unwrap()).is_ok());
    }
}
