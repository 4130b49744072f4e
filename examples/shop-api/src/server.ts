import { createApp } from './app';

const app = createApp();
app.listen(Number(process.env.PORT ?? 3000));
