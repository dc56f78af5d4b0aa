//! The module's half of the protocol (`clinic2fa_protocol`): connect to the service,
//! say who is signing in, then do what it asks (ask the person, show them text) until
//! it says `done`. The module decides nothing: every rule is the service's.
//!
//! Written against [`Person`] rather than PAM, so it is tested with a socket pair.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::net::UnixStream;

use clinic2fa_protocol::{
    self as protocol, Begin, Done, FromModule, FromService, ModuleSays, ServiceSays,
};
use zeroize::Zeroizing;

use crate::options::Options;

/// The person at the other end of PAM's conversation.
pub trait Person {
    /// Asks, hidden unless `echo`; `None` when the conversation gave no answer (the
    /// person pressed Ctrl-D, the application has no way to ask).
    fn ask(&mut self, prompt: &str, echo: bool) -> Option<Zeroizing<String>>;
    /// Shows a line or lines; an error is shown as one.
    fn show(&mut self, text: &str, error: bool);
}

/// How a conversation with the service ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The service decided.
    Decided(Done),
    /// The service could not be reached, went away, said something unreadable, or was
    /// slower than the module's timeout: failmode decides.
    Unreachable(String),
    /// The person's side gave no answer: the conversation was ended there.
    NoAnswer,
}

/// Connects (within `options.timeout`) and holds the conversation for `begin`.
pub fn sign_in(options: &Options, begin: Begin, person: &mut impl Person) -> Outcome {
    match connect(options) {
        Ok(stream) => converse(stream, begin, person),
        Err(why) => Outcome::Unreachable(why),
    }
}

fn connect(options: &Options) -> Result<UnixStream, String> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let place = options.socket.display();
    let address = SockAddr::unix(&options.socket).map_err(|e| format!("{place}: {e}"))?;
    let socket = Socket::new(Domain::UNIX, Type::STREAM.cloexec(), None)
        .map_err(|e| format!("a socket: {e}"))?;
    socket.connect_timeout(&address, options.timeout).map_err(|e| format!("{place}: {e}"))?;
    let stream: UnixStream = socket.into();
    // The service's every line is due within the timeout; the person's answers are
    // not timed here (the service gives them minutes).
    stream.set_read_timeout(Some(options.timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(options.timeout)).map_err(|e| e.to_string())?;
    Ok(stream)
}

/// The conversation on a connected stream.
pub fn converse(stream: UnixStream, begin: Begin, person: &mut impl Person) -> Outcome {
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(e) => return Outcome::Unreachable(e.to_string()),
    };
    let mut reader = BufReader::new(stream);
    let mut say = |message: ModuleSays| -> Result<(), String> {
        let line = Zeroizing::new(protocol::line(&FromModule::new(message)));
        writer.write_all(line.as_bytes()).map_err(|e| format!("writing to the service: {e}"))
    };
    if let Err(why) = say(ModuleSays::Begin(begin)) {
        return Outcome::Unreachable(why);
    }
    loop {
        let message = match next(&mut reader) {
            Ok(message) => message,
            Err(why) => return Outcome::Unreachable(why),
        };
        match message {
            ServiceSays::Ask { prompt, echo } => {
                let Some(answer) = person.ask(&prompt, echo) else {
                    return Outcome::NoAnswer;
                };
                // The answer's copy in the message is wiped with the line above; this
                // one goes with `answer`.
                if let Err(why) = say(ModuleSays::Answer(answer.to_string())) {
                    return Outcome::Unreachable(why);
                }
            }
            ServiceSays::Show { text, error } => person.show(&text, error),
            ServiceSays::Done(done) => return Outcome::Decided(done),
        }
    }
}

/// The service's next line, at most [`protocol::MAX_LINE`] bytes.
fn next(reader: &mut BufReader<UnixStream>) -> Result<ServiceSays, String> {
    let mut line = Vec::new();
    let limit = u64::try_from(protocol::MAX_LINE + 1).unwrap_or(u64::MAX);
    match reader.by_ref().take(limit).read_until(b'\n', &mut line) {
        Ok(0) => return Err("the service closed the connection".into()),
        Ok(_) => {}
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            return Err("the service did not answer in time".into());
        }
        Err(e) => return Err(format!("reading from the service: {e}")),
    }
    let text = String::from_utf8(line).map_err(|_| "a line that is not UTF-8".to_owned())?;
    protocol::read::<FromService>(text.trim_end_matches('\n')).map(|m| m.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinic2fa_protocol::{Mode, PamResult, Phase};
    use std::time::Duration;

    /// A person who answers from a list and remembers what they saw.
    #[derive(Default)]
    struct Scripted {
        answers: Vec<&'static str>,
        seen: Vec<String>,
    }

    impl Person for Scripted {
        fn ask(&mut self, prompt: &str, echo: bool) -> Option<Zeroizing<String>> {
            self.seen.push(format!("ask {prompt:?} echo={echo}"));
            (!self.answers.is_empty()).then(|| Zeroizing::new(self.answers.remove(0).to_owned()))
        }
        fn show(&mut self, text: &str, error: bool) {
            self.seen.push(format!("show {text:?} error={error}"));
        }
    }

    fn begin() -> Begin {
        Begin {
            username: "alice".into(),
            service: "sshd".into(),
            rhost: None,
            can_show_text: true,
            phase: Phase::Auth,
            mode: Mode::Full,
        }
    }

    /// A service that reads each line and answers with the next of `script`
    /// (lines starting with `<` are read, the others written).
    fn service(script: Vec<&'static str>) -> (UnixStream, std::thread::JoinHandle<Vec<String>>) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let handle = std::thread::spawn(move || {
            let mut read = BufReader::new(theirs.try_clone().unwrap());
            let mut write = theirs;
            let mut got = Vec::new();
            for step in script {
                if step == "<" {
                    let mut line = String::new();
                    read.read_line(&mut line).unwrap();
                    got.push(line.trim_end().to_owned());
                } else {
                    write.write_all(step.as_bytes()).unwrap();
                    write.write_all(b"\n").unwrap();
                }
            }
            got
        });
        (ours, handle)
    }

    #[test]
    fn it_relays_what_the_service_asks_and_shows_to_its_done() {
        let (stream, service) = service(vec![
            "<",
            r#"{"v":1,"ask":{"prompt":"Password: ","echo":false}}"#,
            "<",
            r#"{"v":1,"show":{"text":"That code does not match.","error":true}}"#,
            r#"{"v":1,"ask":{"prompt":"Verification code: ","echo":false}}"#,
            "<",
            r#"{"v":1,"done":{"result":"success","pam":"success"}}"#,
        ]);
        let mut person = Scripted { answers: vec!["pw", "123456"], ..Default::default() };
        let outcome = converse(stream, begin(), &mut person);
        let Outcome::Decided(done) = outcome else { panic!("{outcome:?}") };
        assert_eq!(done.pam, PamResult::Success);
        assert_eq!(
            person.seen,
            [
                r#"ask "Password: " echo=false"#,
                r#"show "That code does not match." error=true"#,
                r#"ask "Verification code: " echo=false"#,
            ]
        );
        let got = service.join().unwrap();
        assert!(got[0].starts_with(r#"{"v":1,"begin":{"username":"alice""#), "{got:?}");
        assert_eq!(&got[1..], [r#"{"v":1,"answer":"pw"}"#, r#"{"v":1,"answer":"123456"}"#]);
    }

    #[test]
    fn a_service_that_goes_quiet_or_away_or_talks_nonsense_is_unreachable() {
        let (stream, _service) = service(vec!["<", "not json"]);
        let outcome = converse(stream, begin(), &mut Scripted::default());
        assert!(matches!(&outcome, Outcome::Unreachable(w) if w.contains("JSON")), "{outcome:?}");

        let (stream, service) = service(vec!["<"]);
        let outcome = converse(stream, begin(), &mut Scripted::default());
        service.join().unwrap();
        assert!(matches!(&outcome, Outcome::Unreachable(w) if w.contains("closed")), "{outcome:?}");

        let (stream, quiet) = UnixStream::pair().unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let outcome = converse(stream, begin(), &mut Scripted::default());
        assert!(
            matches!(&outcome, Outcome::Unreachable(w) if w.contains("in time")),
            "{outcome:?}"
        );
        drop(quiet);
    }

    #[test]
    fn no_answer_from_the_person_ends_the_conversation() {
        let (stream, _service) =
            service(vec!["<", r#"{"v":1,"ask":{"prompt":"Password: ","echo":false}}"#]);
        assert_eq!(converse(stream, begin(), &mut Scripted::default()), Outcome::NoAnswer);
    }

    #[test]
    fn nobody_listening_is_unreachable_at_once() {
        let dir = std::env::temp_dir().join(format!("pam-c2f-{}", std::process::id()));
        let options =
            Options::parse([format!("socket={}/none.sock", dir.display()).as_str()]).unwrap();
        let outcome = sign_in(&options, begin(), &mut Scripted::default());
        assert!(
            matches!(&outcome, Outcome::Unreachable(w) if w.contains("none.sock")),
            "{outcome:?}"
        );
    }
}
