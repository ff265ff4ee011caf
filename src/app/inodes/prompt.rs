//! The path prompt of the Inodes pane: `/` opens it with the selected filesystem's mount
//! point, typed keys are text until Enter scans or Esc closes; Tab completes a directory name.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::InodesState;
use crate::scan::complete;

impl InodesState {
    /// Opens the prompt for a path, starting from the selected filesystem.
    pub fn open_prompt(&mut self) {
        let start = self
            .filesystems
            .get(self.fs_selected)
            .map(|f| {
                let mut s = f.mountpoint.clone();
                if !s.ends_with('/') {
                    s.push('/');
                }
                s
            })
            .unwrap_or_else(|| "/".into());
        self.prompt = Some(start);
    }

    /// A key typed at the prompt: text, Backspace, Enter (scan) or Esc (close).
    pub fn prompt_input(&mut self, input: PromptInput) {
        let Some(text) = &mut self.prompt else { return };
        match input {
            PromptInput::Char(c) => text.push(c),
            PromptInput::Backspace => {
                text.pop();
            }
            PromptInput::Submit => {
                let path = PathBuf::from(text.trim());
                self.prompt = None;
                if !path.as_os_str().is_empty() {
                    self.request_scan(path);
                }
            }
            PromptInput::Cancel => self.prompt = None,
            PromptInput::Complete => {
                let list = |dir: &Path| complete::list_subdirs_within(dir, COMPLETE_WITHIN);
                *text = complete::complete(text, list).text;
            }
        }
    }

    /// A key while the prompt is open: text, not a key binding; false when the prompt is
    /// closed or the key is Ctrl-C (which still quits). Other keys do nothing while typing.
    pub fn typing(&mut self, key: KeyEvent) -> bool {
        if self.prompt.is_none() {
            return false;
        }
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        let input = match key.code {
            _ if ctrl_c => return false,
            KeyCode::Char(c) => PromptInput::Char(c),
            KeyCode::Backspace => PromptInput::Backspace,
            KeyCode::Enter => PromptInput::Submit,
            KeyCode::Esc => PromptInput::Cancel,
            KeyCode::Tab => PromptInput::Complete,
            // Other keys do nothing while typing.
            _ => return true,
        };
        self.prompt_input(input);
        true
    }
}

/// Keys the prompt understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptInput {
    Char(char),
    Backspace,
    Submit,
    Cancel,
    /// Tab: completes the directory name being typed.
    Complete,
}

/// How long Tab waits for a directory listing (a dead network mount never answers).
const COMPLETE_WITHIN: Duration = Duration::from_millis(300);
