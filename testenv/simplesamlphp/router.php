<?php
// Router for PHP's built-in web server: serves SimpleSAMLphp's www/ under
// /simplesaml/ the way the Debian package's Apache alias does.
//
// Like Apache with UseCanonicalName Off, the port SimpleSAMLphp sees is the one in
// the Host header, so links stay on the address the client used (a reverse proxy
// in front keeps the browser on the proxy). X-Forwarded-Host and
// X-Forwarded-Proto are honoured too: this server listens on loopback only.

$www = '/usr/share/simplesamlphp/www';
$prefix = '/simplesaml';

if (!empty($_SERVER['HTTP_X_FORWARDED_HOST'])) {
    $_SERVER['HTTP_HOST'] = trim(explode(',', $_SERVER['HTTP_X_FORWARDED_HOST'])[0]);
}
$https = strtolower($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https';
if ($https) {
    $_SERVER['HTTPS'] = 'on';
}
$host = $_SERVER['HTTP_HOST'] ?? '';
if (preg_match('/:(\d+)$/', $host, $m)) {
    $_SERVER['SERVER_PORT'] = $m[1];
} elseif ($host !== '') {
    $_SERVER['SERVER_PORT'] = $https ? '443' : '80';
}

$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if ($path === '/' || $path === $prefix) {
    header('Location: ' . $prefix . '/', true, 302);
    return true;
}
if (strncmp($path, $prefix . '/', strlen($prefix) + 1) !== 0 || strpos($path, '..') !== false) {
    http_response_code(404);
    echo "Not found\n";
    return true;
}
$rel = substr($path, strlen($prefix));

// A PHP script, possibly followed by PATH_INFO (module.php/core/loginuserpass.php).
if (preg_match('#^((?:/[^/]+)*?/[^/]+\.php)(/.*)?$#', $rel, $m) || preg_match('#^(.*/)$#', $rel, $m)) {
    $script = substr($m[1], -1) === '/' ? $m[1] . 'index.php' : $m[1];
    $file = $www . $script;
    if (!is_file($file)) {
        http_response_code(404);
        echo "Not found\n";
        return true;
    }
    $pathInfo = $m[2] ?? '';
    $_SERVER['SCRIPT_NAME'] = $prefix . $script;
    $_SERVER['PHP_SELF'] = $prefix . $script . $pathInfo;
    $_SERVER['SCRIPT_FILENAME'] = $file;
    if ($pathInfo !== '') {
        $_SERVER['PATH_INFO'] = $pathInfo;
    } else {
        unset($_SERVER['PATH_INFO']);
    }
    chdir(dirname($file));
    require $file;
    return true;
}

// Anything else is a static file under www/, served by the built-in server
// through the docroot symlink htdocs/simplesaml -> www.
return false;
