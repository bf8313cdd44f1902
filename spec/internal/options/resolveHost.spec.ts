import { expect } from 'chai';
import { spawn$, REMOTE_DEFAULTS } from '../../../packages/rxproc/src/index.js';
import { of } from 'rxjs';

describe('internal/remote/resolveHost (the host option, checked by spawn$)', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an empty host', { host: '' }, /option "host" must be an ssh destination/],
    ['a host that looks like an option', { host: '-oProxyCommand=x' }, /not starting with "-"/],
    ['a host with a space', { host: 'a b' }, /no spaces/],
    ['a number', { host: 42 }, /a host name or a RemoteHost object|ssh destination/],
    ['an unknown host setting', { host: { host: 'h', hots: 1 } }, /unknown option "host.hots"/],
    ['a bad port', { host: { host: 'h', port: 70000 } }, /host.port/],
    ['a bad wrapper', { host: { host: 'h', wrapper: 'python' } }, /host.wrapper/],
    ['zero sessions', { host: { host: 'h', maxSessions: 0 } }, /host.maxSessions/],
    ['an ssh option rxproc owns', { host: { host: 'h', sshOptions: { ControlPath: '/x' } } }, /host.sshOptions/],
    ['an ssh option value with a newline', { host: { host: 'h', sshOptions: { User: 'a\nb' } } }, /host.sshOptions.User/],
    ['uid', { host: 'h', uid: 0 }, /"uid" cannot be used with "host"/],
    ['signals', { host: 'h', signals: of('SIGHUP') }, /"signals" cannot be used with "host"/],
    ['extendEnv: false', { host: 'h', extendEnv: false }, /extendEnv: false/],
    ['an env name the remote shell cannot export', { host: 'h', env: { 'A-B': 'x' } }, /not a name the remote shell can export/],
  ];
  for (const [what, options, message] of bad) {
    it(`throws a TypeError at call time for ${what}`, () => {
      expect(() => spawn$('true', [], options as never)).to.throw(TypeError, message);
    });
  }

  it('settings that change how connections are used (multiplex, limits) get a pool of their own', () => {
    const key = (host: object): string => spawn$('true', [], { host: { host: 'web1', ...host } }).options.host!.poolKey;
    expect(key({})).to.equal(key({ multiplex: true }));
    expect(key({})).not.to.equal(key({ multiplex: false }));
    expect(key({})).not.to.equal(key({ maxSessions: 2 }));
  });

  it('applies the documented defaults, and a string is { host: string }', () => {
    const { host } = spawn$('true', [], { host: 'web1' }).options;
    expect(host).to.include({ ...REMOTE_DEFAULTS, host: 'web1', sshPath: 'ssh', label: 'web1' });
    expect(spawn$('true', [], { host: { host: 'web1', user: 'u', port: 2222 } }).options.host!.label).to.equal('u@web1:2222');
  });
});
