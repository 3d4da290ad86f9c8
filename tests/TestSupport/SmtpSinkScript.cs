namespace Skolnarvaro.TestSupport;

/// <summary>
/// The Python program <see cref="SmtpSink"/> runs. Kept as a constant (written to a temp file at
/// start) so the sink works from any test project's output folder without copying files around.
/// Arguments: message-folder host port [user password].
/// </summary>
internal static class SmtpSinkScript
{
    public const string Source = """
        import asyncio
        import datetime
        import json
        import os
        import sys
        import threading
        import time

        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        folder, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        credentials = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else None


        class Sink:
            def __init__(self):
                self.count = 0

            async def handle_DATA(self, server, session, envelope):
                self.count += 1
                # Names sort in arrival order, also across restarts of this process.
                name = f"{time.time_ns():020d}-{os.getpid()}-{self.count:06d}"
                content = envelope.original_content if envelope.original_content is not None else envelope.content
                if isinstance(content, str):
                    content = content.encode("utf-8")
                with open(os.path.join(folder, name + ".eml"), "wb") as f:
                    f.write(content)
                auth_user = None
                if isinstance(session.auth_data, LoginPassword):
                    auth_user = session.auth_data.login.decode("utf-8", "replace")
                meta = {
                    "eml": name + ".eml",
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    "auth_user": auth_user,
                }
                # The sidecar appears last and atomically: a message is complete once its .json exists.
                tmp = os.path.join(folder, name + ".json.tmp")
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(meta, f)
                os.replace(tmp, os.path.join(folder, name + ".json"))
                return "250 OK: message accepted"


        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and (auth_data.login.decode("utf-8", "replace"), auth_data.password.decode("utf-8", "replace")) == credentials)
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


        class SinkSMTP(SMTP):
            # aiosmtpd's default AUTH LOGIN prompts ("User Name\x00") make System.Net.Mail give up;
            # these are the prompts every client expects.
            AuthLoginUsernameChallenge = "Username:"
            AuthLoginPasswordChallenge = "Password:"

            async def smtp_AUTH(self, arg):
                # Mechanism names are case-insensitive (RFC 4954); System.Net.Mail sends "AUTH login".
                if arg:
                    mechanism, _, rest = arg.partition(" ")
                    arg = (mechanism.upper() + " " + rest).strip()
                return await super().smtp_AUTH(arg)


        def exit_when_parent_goes():
            # The test process holds our stdin open; EOF means it is gone (even if it crashed).
            try:
                while os.read(0, 65536):
                    pass
            finally:
                os._exit(0)


        async def main():
            loop = asyncio.get_running_loop()
            sink = Sink()
            options = dict(enable_SMTPUTF8=True, hostname="smtp-sink.test", ident="skolnarvaro test SMTP sink")
            if credentials:
                options.update(authenticator=authenticate, auth_required=True, auth_require_tls=False)
            server = await loop.create_server(lambda: SinkSMTP(sink, loop=loop, **options), host, port, reuse_address=True)
            print(f"listening on {host}:{port}", flush=True)
            await server.serve_forever()


        threading.Thread(target=exit_when_parent_goes, daemon=True).start()
        asyncio.run(main())
        """;
}
