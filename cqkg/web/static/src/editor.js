// The SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes, completion of
// keywords, cqkg prefixes and the ontology's classes and properties, Ctrl+Enter to run, and the
// position of a syntax error marked in the text.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";
import { setDiagnostics } from "@codemirror/lint";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH", "ORDER BY", "GROUP BY",
  "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BIND", "VALUES", "MINUS", "EXISTS", "NOT EXISTS",
  "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "STR", "STRSTARTS", "CONTAINS", "REGEX", "HAVING", "SERVICE", "AS"];

/** The completions: SPARQL keywords, "prefix:" for each cqkg prefix, and each ontology term by prefixed name. */
export function completions(vocabulary) {
  const options = KEYWORDS.map(word => ({ label: word, type: "keyword" }));
  for (const [prefix, namespace] of Object.entries(vocabulary.prefixes || {})) {
    options.push({ label: prefix + ":", type: "namespace", detail: namespace });
  }
  for (const term of vocabulary.terms || []) {
    options.push({ label: term.name, type: term.kind === "class" ? "class" : "property", detail: term.label });
  }
  return options;
}

/** A completion source over ``options`` for the word before the cursor, prefixed names ("cq:Publ") included. */
export function completionSource(options) {
  return context => {
    const word = context.matchBefore(/[\w:-]+$/);
    if (!word && !context.explicit) return null;
    return { from: word ? word.from : context.pos, options, validFor: /^[\w:-]*$/ };
  };
}

/** Replace ``textarea`` by an editor; ``onRun`` is called on Ctrl+Enter. Returns the editor's handle. */
export function createEditor(textarea, onRun) {
  let source = completionSource(completions({}));
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      StreamLanguage.define(sparql),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { onRun(); return true; } }])),
      autocompletion({ override: [context => source(context)] }),
      EditorView.updateListener.of(update => { if (update.docChanged) textarea.value = update.state.doc.toString(); }),
      EditorView.lineWrapping,
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      view.dispatch(setDiagnostics(view.state, []));
    },
    setVocabulary(vocabulary) { source = completionSource(completions(vocabulary)); },
    markError(line, column, message) {
      const doc = view.state.doc;
      const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
      // A position past the end of its line (the parser's column is just after the token) marks the line's last character.
      const from = Math.max(at.from, Math.min(at.from + Math.max(column - 1, 0), at.to - 1));
      const to = Math.max(from + 1, Math.min(at.to, from + 1));
      view.dispatch(setDiagnostics(view.state, [{ from, to: Math.min(to, doc.length), severity: "error", message }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
    clearError() { view.dispatch(setDiagnostics(view.state, [])); },
  };
}
