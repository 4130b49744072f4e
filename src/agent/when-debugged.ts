// The agent for terminals: loaded through NODE_OPTIONS into every Node process started in a
// terminal of the window, it loads the agent only into a process being debugged (the JavaScript
// Debug Terminal's bootloader has opened the inspector before this runs). Every other process
// (npm, tsc, a plain `node app.js`) pays for this file alone.
import * as inspector from 'node:inspector';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the agent beside this file, at run time, only when needed
if (inspector.url() !== undefined) require(path.join(__dirname, 'agent.js'));
