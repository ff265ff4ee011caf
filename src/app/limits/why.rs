//! The Limits pane's question: `w` opens a prompt for an error message or an errno name
//! ("Cannot allocate memory", "EAGAIN", a whole log line); Enter shows only the limits that can
//! produce it, closest first ([`crate::derive::why`], as `headroom why` ranks them); Esc closes
//! the prompt, then the question. Tab completes a known message, again to go through them;
//! Ctrl-U clears the line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::derive::LimitView;
use crate::derive::why::matches;
use crate::limits::messages::{self, Message};

/// The prompt and the question asked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WhyView {
    /// The text being typed, while the prompt is open.
    prompt: Option<String>,
    /// Tab pressed with several candidates: what was typed, and the candidate shown now.
    cycle: Option<(String, usize)>,
    /// The question shown, after Enter.
    asked: Option<String>,
    /// Its rows, closest first: the limit's id and the message it produces.
    ranked: Vec<(String, &'static Message)>,
}

impl WhyView {
    /// The text at the prompt, while it is open.
    pub fn prompt(&self) -> Option<&str> {
        self.prompt.as_deref()
    }

    /// The question the pane answers, once one was asked.
    pub fn asked(&self) -> Option<&str> {
        self.asked.as_deref()
    }

    /// The messages the question names (none: the text is not one headroom knows).
    pub fn messages(&self) -> Vec<&'static Message> {
        self.asked
            .as_deref()
            .map(messages::lookup)
            .unwrap_or_default()
    }

    /// The limits that can produce it, closest first, with the message each produces.
    pub fn ranked(&self) -> &[(String, &'static Message)] {
        &self.ranked
    }

    /// The known messages the prompt's text begins.
    pub fn candidates(&self) -> Vec<&'static Message> {
        let typed = self.cycle.as_ref().map_or(self.prompt(), |(t, _)| Some(t));
        typed.map(messages::completions).unwrap_or_default()
    }

    /// `w`: the prompt opens on the question shown, if any.
    pub fn open(&mut self) {
        self.prompt = Some(self.asked.clone().unwrap_or_default());
        self.cycle = None;
    }

    /// Esc: closes the prompt, else the question; false when there was neither.
    pub fn close(&mut self) -> bool {
        if self.prompt.take().is_some() {
            self.cycle = None;
            true
        } else if self.asked.take().is_some() {
            self.ranked.clear();
            true
        } else {
            false
        }
    }

    /// Ranks the rows again (new data).
    pub fn refresh(&mut self, views: &[LimitView]) {
        self.ranked = match &self.asked {
            Some(q) => matches(q, views)
                .into_iter()
                .map(|m| (m.view.limit.id.clone(), m.message))
                .collect(),
            None => Vec::new(),
        };
    }

    /// A key while the prompt is open: text, Backspace, Tab, Enter (ask) or Esc; false when
    /// the prompt is closed or the key is Ctrl-C (which still quits).
    pub fn typing(&mut self, key: KeyEvent, views: &[LimitView]) -> bool {
        let Some(text) = &mut self.prompt else {
            return false;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => return false,
            // As in a shell: Ctrl-U clears the line.
            KeyCode::Char('u') if ctrl => text.clear(),
            KeyCode::Char(_) if ctrl => {}
            KeyCode::Char(c) => text.push(c),
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Tab => {
                self.complete();
                return true;
            }
            KeyCode::Enter => {
                let q = text.trim().to_string();
                self.prompt = None;
                self.asked = (!q.is_empty()).then_some(q);
                self.refresh(views);
            }
            KeyCode::Esc => {
                self.close();
            }
            // Other keys do nothing while typing.
            _ => {}
        }
        self.cycle = None;
        true
    }

    /// Tab: the one known message the text begins, else the longest start they share, else
    /// the next of them in turn.
    fn complete(&mut self) {
        let Some(text) = &mut self.prompt else { return };
        let typed = match &self.cycle {
            Some((typed, _)) => typed.clone(),
            None => text.clone(),
        };
        let words: Vec<&str> = messages::completions(&typed)
            .into_iter()
            .map(|m| completion(m, &typed))
            .collect();
        let Some(first) = words.first() else { return };
        if words.len() == 1 {
            *text = (*first).to_string();
            self.cycle = None;
            return;
        }
        let shared = shared_start(&words);
        if self.cycle.is_none() && shared.chars().count() > typed.trim_start().chars().count() {
            *text = shared;
            return;
        }
        let next = self
            .cycle
            .as_ref()
            .map_or(0, |(_, i)| (i + 1) % words.len());
        *text = words.get(next).copied().unwrap_or(first).to_string();
        self.cycle = Some((typed, next));
    }
}

/// What Tab writes for a message: its errno name when that is what is being typed.
fn completion(m: &'static Message, typed: &str) -> &'static str {
    let typed = typed.trim_start().to_lowercase();
    if !m.text.to_lowercase().starts_with(&typed) && !m.errno.is_empty() {
        m.errno
    } else {
        m.text
    }
}

/// The longest start the words share, case ignored, as the first word writes it.
fn shared_start(words: &[&str]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut n = first.chars().count();
    for w in &words[1..] {
        n = n.min(
            first
                .chars()
                .zip(w.chars())
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count(),
        );
    }
    first.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(w: &mut WhyView, code: KeyCode) -> bool {
        w.typing(KeyEvent::new(code, KeyModifiers::NONE), &[])
    }

    fn type_text(w: &mut WhyView, text: &str) {
        for c in text.chars() {
            press(w, KeyCode::Char(c));
        }
    }

    #[test]
    fn enter_asks_and_esc_clears_step_by_step() {
        let mut w = WhyView::default();
        assert!(
            !press(&mut w, KeyCode::Char('x')),
            "closed: keys are not text"
        );
        w.open();
        type_text(&mut w, "EAGAIN");
        assert_eq!(w.prompt(), Some("EAGAIN"));
        press(&mut w, KeyCode::Backspace);
        press(&mut w, KeyCode::Char('N'));
        press(&mut w, KeyCode::Enter);
        assert_eq!((w.prompt(), w.asked()), (None, Some("EAGAIN")));
        assert_eq!(w.messages()[0].errno, "EAGAIN");
        // `w` again starts from the question; Esc closes the prompt, then the question.
        w.open();
        assert_eq!(w.prompt(), Some("EAGAIN"));
        assert!(w.close());
        assert_eq!(w.asked(), Some("EAGAIN"));
        assert!(w.close());
        assert_eq!(w.asked(), None);
        assert!(!w.close());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        w.open();
        assert!(!w.typing(ctrl_c, &[]), "Ctrl-C still quits");
        type_text(&mut w, "ENOSPC");
        w.typing(
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &[],
        );
        assert_eq!(w.prompt(), Some(""));
    }

    #[test]
    fn tab_completes_then_goes_through_the_candidates() {
        let mut w = WhyView::default();
        w.open();
        type_text(&mut w, "cannot al");
        press(&mut w, KeyCode::Tab);
        assert_eq!(w.prompt(), Some("Cannot allocate memory"));
        w.open();
        w.prompt = Some("too many".into());
        press(&mut w, KeyCode::Tab);
        // The start of "… open files", "… open files in system" and "… orphaned sockets".
        assert_eq!(w.prompt(), Some("Too many o"));
        press(&mut w, KeyCode::Char('p'));
        press(&mut w, KeyCode::Tab);
        assert_eq!(w.prompt(), Some("Too many open files"));
        press(&mut w, KeyCode::Tab);
        assert_eq!(w.prompt(), Some("Too many open files in system"));
        assert_eq!(w.candidates().len(), 2);
        press(&mut w, KeyCode::Tab);
        assert_eq!(w.prompt(), Some("Too many open files"));
        // Typing again ends the round.
        press(&mut w, KeyCode::Char('!'));
        assert_eq!(w.prompt(), Some("Too many open files!"));
        assert!(w.candidates().is_empty());
        w.prompt = Some("eadd".into());
        press(&mut w, KeyCode::Tab);
        assert_eq!(
            w.prompt(),
            Some("EADDRNOTAVAIL"),
            "an errno completes as one"
        );
        w.prompt = Some("zzz".into());
        press(&mut w, KeyCode::Tab);
        assert_eq!(w.prompt(), Some("zzz"));
    }

    #[test]
    fn an_empty_question_asks_nothing() {
        let mut w = WhyView::default();
        w.open();
        type_text(&mut w, "  ");
        press(&mut w, KeyCode::Enter);
        assert_eq!(w.asked(), None);
        assert!(w.ranked().is_empty());
    }
}
